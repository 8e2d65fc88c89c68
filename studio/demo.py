"""The demo catalog: three producers from the OCOP stories this studio grew from.

Facts are honest placeholders: plausible, clearly demo (traceability links use example.vn), and
never medical. Loading is idempotent: products are matched by slug, producers by name.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from studio.catalog.service import ensure_workspace, get_product, save_producer, save_product
from studio.db.models import Producer, Product
from studio.db.session import session_scope
from studio.errors import NotFound

WORKSPACE = ("demo", "OCOP demo")

PRODUCERS = [
    {
        "producer": {
            "name": "MD Queens", "kind": "enterprise", "commune": "Ô Diên",
            "district": "Đan Phượng", "province": "Hà Nội", "contact": "demo@mdqueens.example.vn",
            "brand_voice": "Ấm áp, mộc mạc, nói như người làng kể chuyện; không hứa hẹn công dụng.",
        },
        "products": [
            {
                "slug": "tra-xa-den", "name_vi": "Trà xạ đen Ô Diên", "name_en": "O Dien xa den "
                "herbal tea", "name_fr": "Tisane de xa den d'O Dien", "ocop_group": "herbal",
                "ocop_stars": 4, "ocop_level": "province", "ocop_cert_date": "2023-06-15",
                "category": "Trà thảo mộc", "origin": "Ô Diên, Đan Phượng, Hà Nội",
                "ingredients": "Lá và thân xạ đen (Celastrus hindsii) sấy khô 100 %",
                "process_steps": "Hái lá xạ đen buổi sáng; Rửa sạch và để ráo; Thái nhỏ bằng "
                "tay; Sấy lạnh ở nhiệt độ thấp; Đóng gói túi lọc",
                "certifications": "HACCP", "price_vnd": "120.000", "unit": "hộp",
                "net_quantity": "20 túi lọc × 3 g", "shelf_life": "18 tháng",
                "storage": "Nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp",
                "usage": "Hãm 1 túi với 200 ml nước sôi trong 5 phút",
                "traceability_code": "DEMO-MDQ-XD-01",
                "traceability_url": "https://truyxuat.example.vn/mdqueens/tra-xa-den",
                "story_maker": "Chị Mai cùng các chị em trong làng thành lập xưởng từ năm 2016.",
                "story_process": "Lá được hái tay vào sáng sớm, thái nhỏ và sấy lạnh để giữ màu.",
                "story_place": "Vùng bãi ven sông Hồng ở Ô Diên, nơi xạ đen được trồng xen vườn.",
                "story_community": "Xưởng tạo việc làm cho phụ nữ trong xã.",
                "aliases": "trà xạ đen; xạ đen; trà; A1",
            },
            {
                "slug": "tra-hoa-cuc", "name_vi": "Trà hoa cúc sấy lạnh", "name_en":
                "Cold-dried chrysanthemum tea", "ocop_group": "beverages", "ocop_stars": 3,
                "ocop_level": "district", "ocop_cert_date": "2022-11-02",
                "category": "Trà hoa", "origin": "Ô Diên, Đan Phượng, Hà Nội",
                "ingredients": "Hoa cúc vàng sấy lạnh 100 %",
                "process_steps": "Hái hoa khi vừa nở; Nhặt tay từng bông; Sấy lạnh; Đóng hũ",
                "price_vnd": "95000", "unit": "hũ", "net_quantity": "50 g",
                "shelf_life": "12 tháng", "storage": "Đậy kín nắp sau khi dùng",
                "usage": "Hãm 5–7 bông với nước 90 °C",
                "traceability_url": "https://truyxuat.example.vn/mdqueens/tra-hoa-cuc",
                "story_maker": "Do cùng nhóm chị em làm trà xạ đen chế biến.",
                "story_process": "Từng bông được nhặt tay, giữ nguyên hình dáng hoa.",
                "aliases": "trà cúc; hoa cúc; A2",
            },
        ],
    },
    {
        "producer": {
            "name": "HTX rau quả Chúc Sơn", "kind": "cooperative", "commune": "Chúc Sơn",
            "district": "Chương Mỹ", "province": "Hà Nội", "contact": "htx@chucson.example.vn",
            "brand_voice": "Rõ ràng, minh bạch, nhấn mạnh truy xuất nguồn gốc từng lô.",
        },
        "products": [
            {
                "slug": "rau-cai-ngot-vietgap", "name_vi": "Rau cải ngọt VietGAP",
                "name_en": "VietGAP choy sum", "ocop_group": "food", "ocop_stars": 3,
                "ocop_level": "district", "ocop_cert_date": "2023-03-20",
                "category": "Rau ăn lá", "origin": "Chúc Sơn, Chương Mỹ, Hà Nội",
                "ingredients": "Cải ngọt tươi",
                "process_steps": "Gieo hạt trong nhà lưới; Tưới nước giếng khoan đã kiểm "
                "nghiệm; Thu hoạch buổi sáng; Sơ chế và đóng túi có tem QR",
                "certifications": "VietGAP; GlobalGAP", "price_vnd": "25000", "unit": "túi",
                "net_quantity": "500 g", "shelf_life": "3 ngày khi bảo quản lạnh",
                "storage": "Ngăn mát tủ lạnh 2–6 °C", "usage": "Rửa sạch trước khi nấu",
                "traceability_code": "DEMO-CS-CN-2311",
                "traceability_url": "https://egap.example.vn/lo/DEMO-CS-CN-2311",
                "story_maker": "Hợp tác xã gồm các hộ trồng rau lâu năm ở Chúc Sơn.",
                "story_process": "Mỗi lô rau được ghi nhật ký canh tác điện tử eGAP.",
                "story_place": "Cánh đồng rau ven thị trấn Chúc Sơn.",
                "story_community": "Xã viên cùng chia sẻ quy trình và đầu ra.",
                "aliases": "cải ngọt; rau cải; B1",
            },
            {
                "slug": "buoi-dien-chuc-son", "name_vi": "Bưởi Diễn Chúc Sơn",
                "name_en": "Chuc Son Dien pomelo", "ocop_group": "food", "ocop_stars": 4,
                "ocop_level": "province", "ocop_cert_date": "2022-09-10",
                "category": "Trái cây", "origin": "Chúc Sơn, Chương Mỹ, Hà Nội",
                "ingredients": "Bưởi Diễn tươi",
                "process_steps": "Bao trái trên cây; Thu hái đúng độ chín; Dán tem QR từng quả",
                "certifications": "VietGAP", "price_vnd": "60000", "unit": "quả",
                "net_quantity": "khoảng 1 kg", "shelf_life": "30 ngày",
                "storage": "Nơi thoáng mát", "usage": "Bóc vỏ, ăn tươi",
                "traceability_url": "https://egap.example.vn/lo/DEMO-CS-BD-2311",
                "story_maker": "Các nhà vườn trong hợp tác xã.",
                "story_process": "Mỗi quả được dán tem QR trước khi rời vườn.",
                "aliases": "bưởi; bưởi diễn; B2",
            },
        ],
    },
    {
        "producer": {
            "name": "Xưởng gỗ Vĩnh Linh", "kind": "household", "commune": "Vĩnh Linh",
            "district": "Phú Xuyên", "province": "Hà Nội", "contact": "vinhlinh@example.vn",
            "brand_voice": "Tỉ mỉ, tự hào nghề tay, kể về đường vân gỗ và từng nét chạm.",
        },
        "products": [
            {
                "slug": "hop-go-cham-khac", "name_vi": "Hộp gỗ chạm khắc thủ công",
                "name_en": "Hand-carved wooden box", "name_fr": "Boîte en bois sculptée main",
                "ocop_group": "handicraft", "ocop_stars": 4, "ocop_level": "province",
                "ocop_cert_date": "2023-08-01", "category": "Đồ gỗ mỹ nghệ",
                "origin": "Phú Xuyên, Hà Nội", "ingredients": "Gỗ hương, dầu hoàn thiện gốc nước",
                "process_steps": "Chọn và phơi gỗ; Xẻ và ghép hộp; Chạm khắc tay hoa văn; "
                "Đánh nhám và phủ dầu",
                "price_vnd": "450000", "unit": "chiếc", "net_quantity": "20 × 12 × 8 cm",
                "storage": "Tránh nơi ẩm ướt", "usage": "Đựng trang sức, trà, quà tặng",
                "traceability_url": "https://truyxuat.example.vn/vinhlinh/hop-go",
                "story_maker": "Anh Linh theo nghề chạm khắc của cha từ năm 15 tuổi.",
                "story_process": "Mỗi hộp mất khoảng hai ngày chạm tay.",
                "story_place": "Làng nghề gỗ ở Phú Xuyên, phía nam Hà Nội.",
                "story_community": "Khoảng 60–80 % đơn hàng của xưởng đến từ bán hàng online.",
                "aliases": "hộp gỗ; hộp chạm; C1",
            },
            {
                "slug": "khay-tra-go", "name_vi": "Khay trà gỗ", "name_en": "Wooden tea tray",
                "ocop_group": "handicraft", "ocop_stars": 3, "ocop_level": "district",
                "ocop_cert_date": "2021-12-15", "category": "Đồ gỗ gia dụng",
                "origin": "Phú Xuyên, Hà Nội", "ingredients": "Gỗ xoan đào",
                "process_steps": "Xẻ gỗ; Đục lòng khay; Đánh nhám; Phủ dầu",
                "price_vnd": "320000", "unit": "chiếc", "net_quantity": "40 × 25 cm",
                "traceability_url": "https://truyxuat.example.vn/vinhlinh/khay-tra",
                "story_process": "Lòng khay được đục tay từ một tấm gỗ liền.",
                "aliases": "khay trà; khay gỗ; C2",
            },
        ],
    },
]


def _placeholder_photo(title: str, color: tuple[int, int, int]) -> bytes:
    """A plain card with the product name, marked as a placeholder (no real photo is shipped)."""
    from PIL import Image, ImageDraw, ImageFont

    from studio.fonts import font_path

    img = Image.new("RGB", (800, 800), color)
    draw = ImageDraw.Draw(img)
    big = ImageFont.truetype(str(font_path(bold=True)), 44)
    small = ImageFont.truetype(str(font_path()), 28)
    draw.multiline_text((60, 320), title, font=big, fill="white")
    draw.text((60, 720), "Ảnh minh hoạ — demo", font=small, fill="white")
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


COLORS = [(120, 84, 52), (46, 110, 64), (150, 96, 40)]


def seed_workspace(session, ws) -> int:
    """Add the demo producers and products to ``ws`` (skips what exists); returns new products."""
    from studio.assets import store_image

    created = 0
    for index, entry in enumerate(PRODUCERS):
        raw = entry["producer"]
        producer = session.scalar(select(Producer).where(
            Producer.workspace_id == ws.id, Producer.name == raw["name"]))
        if producer is None:
            producer = save_producer(session, ws, raw)
        for item in entry["products"]:
            try:
                get_product(session, ws, item["slug"])
                continue
            except NotFound:
                pass
            product = save_product(session, ws, producer, item)
            store_image(session, ws, _placeholder_photo(item["name_vi"], COLORS[index]),
                        f"{item['slug']}.png", product_id=product.id)
            created += 1
    return created


def load_demo() -> dict:
    """Load (or top up) the demo workspace; returns counts."""
    with session_scope() as session:
        ws = ensure_workspace(session, *WORKSPACE)
        created = seed_workspace(session, ws)
        producers = session.scalars(select(Producer).where(Producer.workspace_id == ws.id))
        products = session.scalars(select(Product).where(Product.workspace_id == ws.id))
        return {"workspace": ws.slug, "producers": len(list(producers)),
                "products": len(list(products)), "created": created}
