"""Vietnamese place names the grounding check looks for (provinces, cities, well-known areas).

Matching is accent- and space-insensitive ("Hà Nội", "Ha Noi", "Hanoi", "Hanoï" are one place).
Provinces are listed by their names before and after the 2025 merger, since copy uses both.
"""

from __future__ import annotations

PROVINCES = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận",
    "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị",
    "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Huế",
    "Thừa Thiên Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái", "Hồ Chí Minh", "Sài Gòn",
)
# Cities, districts and areas that copy likes to name.
AREAS = (
    "Đà Lạt", "Sa Pa", "Sapa", "Hạ Long", "Phú Quốc", "Mộc Châu", "Tây Nguyên", "Tây Bắc",
    "Buôn Ma Thuột", "Pleiku", "Nha Trang", "Hội An", "Mỹ Tho", "Vũng Tàu", "Quy Nhơn",
    "Bảo Lộc", "Tam Đảo", "Mai Châu", "Mù Cang Chải", "Hà Tiên", "Châu Đốc", "Cát Bà",
    "Côn Đảo", "Đồng Văn", "Tân Cương", "Phan Thiết", "Mũi Né", "Ba Vì", "Bát Tràng",
    "Vạn Phúc", "Ninh Thuận", "Lý Sơn", "Cao Lãnh", "Sóc Sơn", "Đồng bằng sông Cửu Long",
    "Mekong", "Saigon", "Hanoi", "Dalat",
)
# Places that are always fine to name: the country itself.
ALWAYS_OK = ("Việt Nam", "Vietnam", "Viet Nam")
