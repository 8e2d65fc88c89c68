"""Lexicons and rule shapes of the claims check (``claims_rules.specs`` lists every rule,
``claims.py`` compiles and runs them).

Each lexicon is a tuple of regex fragments over lower-cased NFC text. A window rule pairs a verb
family with a target lexicon; ``_FOLD_UNSAFE`` lists the Vietnamese fragments that must not be
used on accent-free text because, once folded, they are common other words ("gan" may be "gần",
"phoi" "phơi", "co the" "có thể", "chong" "chồng").
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.writing.checks._text import fold_pattern


@dataclass(frozen=True)
class Spec:
    id: str
    lang: str
    category: str
    pattern: str
    folded: str | None = None  # pattern for accent-free text (vi only)
    severity: str = "error"
    negatable: bool = True
    cautionable: bool = False


_SEP = r"[^\w.,!?;:\n]+"  # between two words of one clause (a comma closes a list item too)
_WORD = r"[\w'’-]+"


def gap(n: int) -> str:
    """Up to ``n`` words between two anchors, inside one clause."""
    return rf"(?:{_SEP}{_WORD}){{0,{n}}}?{_SEP}"


def alt(words: tuple[str, ...]) -> str:
    return "(?:" + "|".join(words) + ")"


# A commercial word right after a verb ("giảm giá", "hạ 30%", "lower prices") is a price.
_NOT_PRICE = {
    "vi": r"(?!\s+(?:giá|phí|tiền|ship|đơn|\d))",
    "en": r"(?!\s+(?:the\s+)?(?:prices?|costs?|shipping|fees?|\d))",
    "fr": r"(?!\s+(?:les\s+|le\s+)?(?:prix|frais|tarifs?|livraison|\d))",
}
_GAPS = {"vi": 5, "en": 4, "fr": 4}  # Vietnamese counts syllables
NUM = r"\d+(?:[.,]\d+)?(?:\s*[-–]\s*\d+(?:[.,]\d+)?)?"  # 5, 2,5 or 3-5

# --- verb families -----------------------------------------------------------------------------
CURE = {
    "vi": ("chữa(?: trị| khỏi| dứt điểm)?", "điều trị", "đặc trị", "hỗ trợ (?:điều )?trị",
           "trị(?! giá)", "phòng ngừa", "phòng chống", "phòng tránh", "ngăn ngừa", "ngăn chặn",
           "phòng", "ngừa", "chống", "khỏi(?: hẳn)?", "hết(?: hẳn| sạch| luôn)?",
           "dứt(?: điểm)?", "tiêu diệt", "diệt", "đẩy lùi", "đánh bay", "đánh tan", "chặn đứng",
           "kiểm soát", "khắc phục", "cải thiện", "giảm(?: hẳn| nhanh| ngay)?", "hạ", "ổn định",
           "điều ho[àa]", "làm dịu", "làm lành", "trừ(?! sâu)", "không còn", "bớt",
           "đỡ(?: hẳn)?", "thoát khỏi", "tránh", "kháng", "khắc tinh(?: của)?", "giải"),
    "en": ("prevent(?:s|ing|ion of)?", "treat(?:s|ing|ment of|ment for)?", "cure(?:s|d)?",
           "heal(?:s|ed|ing)?", "remed(?:y|ies) (?:for|against)", "fight(?:s|ing)?(?: off)?",
           "beat(?:s|ing)?", "reverse(?:s|d)?", "protect(?:s|ing)?(?: you)? (?:against|from)",
           "reliev(?:e|es|ed|ing)", "relief (?:from|for)", "sooth(?:e|es|ed|ing)",
           "eas(?:e|es|ed|ing)", "combat(?:s)?", "get(?:s)? rid of", "eliminat(?:e|es|ed)",
           "kill(?:s)?", "alleviat(?:e|es)", "(?:say )?goodbye to", "no more", "lower(?:s|ing)?",
           "reduc(?:e|es|ing)", "cut(?:s)?", "stop(?:s)?", "banish(?:es)?", "clear(?:s)? up",
           "shrink(?:s)?", "control(?:s)?", "stabili[sz](?:e|es)", "regulat(?:e|es)",
           "manag(?:e|es)", "ward(?:s)? off", "fend(?:s)? off", "knock(?:s)? out",
           "keep(?:s)? away", "defeat(?:s)?", "against", "free (?:from|of)"),
    "fr": (r"prévien\w*", "prévenir", "prévention", r"guéri\w*", r"soign\w*",
           "trait(?:e|ent|er|ement)", "remèdes? (?:contre|pour|à)", r"combat\w*",
           r"lutte\w* contre", r"soulag\w*", r"élimin\w*", r"protèg\w* contre",
           "protéger contre", r"apais\w*", r"vien\w* à bout", "venir à bout", r"rédui\w*",
           r"diminu\w*", r"(?:fait|font|faire) (?:baisser|fondre|disparaître)", r"baiss\w*",
           r"abaiss\w*", r"régul\w*", r"stabilis\w*", r"contrôl\w*", r"chass\w*",
           "en finir avec", "adieu", "plus de", r"stopp\w*", r"débarrass\w*", "contre",
           r"m(?:et|ettent|ettre) fin (?:à|aux?)"),
}
EFFECT = {
    "vi": ("giúp", "tăng(?: cường)?", "nâng cao", "cải thiện", "bồi bổ", "bổ", "làm mát", "mát",
           "giải", "thanh", "hỗ trợ", "bảo vệ", "phục hồi", "tái tạo", "kích thích", "ổn định",
           "điều ho[àa]", "cân bằng", "làm lành", "mau lành", "lành", "trở về bình thường",
           "làm sạch", "nuôi dưỡng", "chống", "ngăn", "giảm", "hạ", "trẻ ho[áa]", "tốt cho",
           "khắc tinh", "phát triển", "kho[ẻe](?: hẳn| ra| lên| mạnh)?"),
    "en": ("helps?", "boosts?", "improves?", "supports?", "strengthens?", "restores?", "cools?",
           "clears?", "cleanses?", "protects?", "repairs?", "regenerates?", "nourish(?:es)?",
           "stimulates?", "balances?", "regulates?", "heals?", "back to normal", "rejuvenates?",
           "revitali[sz]es?", "enhances?", "increases?", "promotes?", "good for", "lowers?",
           "reduces?", "enemy of", "sharpens?", "keeps?"),
    "fr": (r"aide\w*", r"booste\w*", r"amélior\w*", r"soutien\w*", r"renforc\w*", r"redonn\w*",
           r"rafraîchi\w*", r"nettoi\w*", r"protèg\w*", r"répar\w*", r"régénèr\w*", r"nourri\w*",
           r"stimul\w*", r"équilibr\w*", r"régul\w*", r"revenu\w* à la normale", r"rajeuni\w*",
           r"revitalis\w*", r"favoris\w*", r"augment\w*", "bonne? pour", r"diminu\w*", "réduit",
           r"baiss\w*", r"ennemi\w*", r"gard\w*", r"fortifi\w*", r"développ\w*",
           r"rééquilibr\w*"),
}
# Verbs that report a cure after the condition: "đau khớp hết hẳn", "mụn biến mất".
AFTER = {
    "vi": ("hết(?: hẳn| sạch)?", "khỏi(?: hẳn)?", "biến mất", "không còn", "giảm hẳn", "đỡ hẳn",
           "thuyên giảm", "về bình thường", "ổn định"),
    "en": ("gone", r"disappear\w*", "vanished", "cured", "back to normal", "under control",
           "stops?", "stopped"),
    "fr": ("disparu\\w*", "guéri\\w*", "envolée?s?", "revenue? à la normale", "fini(?:e|es|s)?",
           r"s['’]envol\w*", r"oublié\w*"),
}

# Disease names by their Greek stems: "bronchite", "gastrite"... ("termites", "limites" are not).
_ITE_STEMS = (r"(?:bronch|gastr|sinus|cyst|hépat|arthr|dermat|col|ot|rhin|pharyng|laryng|tendin|"
              r"néphr|méning|phléb|gingiv|stomat|conjonctiv|appendic|encéphal|prostat|pancréat|"
              r"amygdal|spondyl|polyarthr|vascular|entér|œsophag|oesophag|parodont)")
DISEASES_OSE = {
    "en": ("osteoporosis", "cirrhosis", "thrombosis", "fibrosis", "steatosis", "scoliosis",
           "neurosis", "tuberculosis", "sclerosis", "atherosclerosis", "endometriosis",
           "psoriasis", "halitosis"),
    "fr": ("arthrose", "cirrhose", "ostéoporose", "thrombose", "fibrose", "stéatose",
           "scoliose", "candidose", "névrose", "tuberculose", "sclérose", "mycoses?",
           "endométriose", "athérosclérose"),
}

# --- targets -----------------------------------------------------------------------------------
CONDITIONS = {
    "vi": ("bệnh(?! viện)", "ung thư", "ung bướu", "u bướu", "khối u", "u xơ", "u nang",
           "tiểu đường", "đái tháo đường", "huyết áp(?: cao)?", "cao huyết áp", "mỡ máu",
           "máu nhiễm mỡ", "gan nhiễm mỡ", "men gan(?: cao)?", "cholesterol", "đường huyết",
           "a[xc]it uric", "mất ngủ", "khó ngủ", "ho(?: khan| có đờm| gà)?", "đờm",
           r"viêm \w+", r"đau(?: \w+)?", r"nhức \w+", "tê bì", "tê tay", "tê chân",
           "chuột rút", "trào ngược", "ợ chua", "ợ hơi", "đầy hơi", "khó tiêu", "táo bón",
           "tiêu chảy", "loét", "trĩ", "gút", "gout", "hen(?: suyễn)?", "suyễn", "xương khớp",
           r"thoái ho[áa] \w+", "loãng xương", r"sỏi \w+", "cảm (?:cúm|lạnh|mạo|sốt)", "cúm",
           "sổ mũi", "nghẹt mũi", "sốt(?! dẻo| cà| vang| me| bơ)", "nóng trong", "nhiệt miệng",
           "mụn(?: nhọt| trứng cá)?", "nám", "tàn nhang", "mề đay", "dị ứng", "tai biến",
           "đột quỵ", "tim mạch", "suy (?:thận|gan|tim|nhược|giảm|dinh dưỡng)", "yếu sinh lý",
           "xuất tinh sớm", r"rối loạn \w+", "tiền sản giật", "biếng ăn", "còi xương",
           "quấy khóc", "mệt mỏi", "trầm cảm", "lo âu", "béo phì", "thừa cân", "mỡ thừa",
           "mỡ bụng", "covid", "virus", "vi khuẩn", "nhiễm (?:trùng|khuẩn|độc)", "chóng mặt",
           "say rượu", "vô sinh", "hiếm muộn", "rụng tóc", "bạc tóc", "hôi miệng", "buồn nôn",
           "nôn", "vết thương", "bỏng", "nếp nhăn", "lão ho[áa]", "độc tố", "ký sinh trùng",
           "bướu cổ", "bao tử", "khò khè", "phong thấp", "thấp khớp", "vàng da", "mãn kinh",
           "bốc hỏa", "bốc hoả", "đau bụng kinh", "rong kinh", "khí hư", "tiểu đêm", "tiểu buốt",
           "ù tai", "cận thị", "mỏi mắt", "khô mắt", "cảm nắng", "say nắng", r"sưng \w+", "ngứa",
           "sâu răng", "ốm vặt", "hay ốm", "chậm lớn", "đãng trí", "huyết khối", "mỡ nội tạng",
           r"chứng \w+", r"hội chứng \w+", "mất sữa", "tắc sữa", "ít sữa", "nhiễm mỡ",
           "động thai", "sảy thai"),
    "en": ("cancers?", "tumou?rs?", "diabetes", "arthritis", "insomnia", "headaches?",
           "migraines?", "ulcers?", "coughs?", "sore throats?", "colds", "common cold",
           "head cold", "flu", "influenza", "infections?", "inflammation", "hypertension",
           "high blood pressure", "blood (?:sugar|pressure|glucose)", "cholesterol", "diseases?",
           "illness(?:es)?", "sickness", "pain", "aches?", "constipation", "gout", "obesity",
           "asthma", "acne", "eczema", "psoriasis", "fatigue", "hangovers?", "dysfunction",
           "impotence", "depression", "anxiety", "bloating", "indigestion", "(?:acid )?reflux",
           "heartburn", "nausea", "cramps?", "wrinkles", "hair loss", "viruses", "virus",
           "covid", "germs", "fever", "strokes?(?! of)", "heart attacks?", "fatty liver",
           "kidney stones?", "allerg(?:y|ies)", "ailments?", "belly fat", "toxins", "menopause",
           "hot flash(?:es)?", "hot flushes", "pms", "period pains?", r"wheez\w*", "hay fever",
           "rash(?:es)?", r"itch\w*", "swelling", "ibs", "leaky gut", "candida", "plaque",
           "brain fog", "forgetfulness", "dementia", "alzheimer'?s", "parkinson'?s",
           "an(?:a)?emia", "morning sickness", "colic", "bedwetting", r"\w{3,}itis",
           r"\w{3,}(?<!nost)algia", "sinus(?:es)?", "chest infections?", *DISEASES_OSE["en"],
           "cuts and scrapes", "scrapes", "bruises"),
    "fr": ("cancers?", "tumeurs?", "diabètes?", "arthrite", "arthrose", "insomnies?",
           "migraines?", r"maux(?: de \w+)?", r"mal de \w+", "ulcères?", "toux", "rhumes?",
           "grippes?", "infections?", "inflammations?", "hypertension",
           "tension(?: artérielle)?", "cholestérol", "glycémie", "maladies?", "douleurs?",
           "constipation", "la goutte", "obésité", "asthme", "acné", "eczéma", "psoriasis",
           "fatigue", "dépression", "anxiété", "ballonnements?", "reflux",
           "brûlures?(?: d'estomac| gastriques)?", "nausées?", "crampes?", "rides",
           "chute des cheveux", "gueule de bois", "virus", "covid", "bactéries", "microbes",
           "fièvre", "avc", "accidents? vasculaires?", "infarctus", r"dysfonction\w*",
           "impuissance", "hépatite", "cirrhose", "calculs?", "cellulite", "toxines?",
           r"allergies?", "graisses?", "ménopause", "bouffées de chaleur",
           "règles douloureuses", "syndrome prémenstruel", "rhume des foins", "démangeaisons",
           "gonflements?", "stéatose", "artères bouchées", "démence", "alzheimer", "parkinson",
           "anémie", "coliques?", "énurésie", rf"{_ITE_STEMS}ites?", *DISEASES_OSE["fr"],
           r"\w{3,}(?<!nost)algies?", "nausées de grossesse", "plaies", "coupures", "bleus",
           "jambes lourdes"),
}
BODY = {
    "vi": ("gan", "thận", "tim", "não", "trí não", "phổi", "dạ dày", "bao tử", "ruột",
           "đại tràng", "tiêu ho[áa]", "đường ruột", "xương", "khớp", "làn da", "da", "tóc",
           "mắt", "thị lực", "máu", "khí huyết", "tuần hoàn", "men gan", "nội tiết(?: tố)?",
           "testosterone", "sinh lý", "sinh lực", "tình dục", "chiều cao", "trí nhớ",
           "thông minh", "vết thương", "cơ thể", r"sức kho[ẻe]", "trao đổi chất", "cân nặng",
           "vóc dáng", "thần kinh", "nhiệt cơ thể", "tuổi thọ", "tỉnh táo", "tập trung",
           "thai nhi", "đề kháng", "miễn dịch", "hô hấp", "họng", "giấc ngủ", "ăn ngon",
           "thể lực", "sức bền", "động mạch", "mạch máu", "tiền liệt tuyến", "tuyến giáp",
           "tử cung", "buồng trứng", "tinh trùng", "chuyện ấy", "phòng the",
           "bản lĩnh đàn ông", "sống lâu", r"sống thêm \d+ năm", "cao lớn", "lớn nhanh",
           "tăng cân"),
    "en": ("liver", "kidneys?", "heart", "brain", "lungs?", "stomach", "gut", "digestion",
           "digestive system", "bones?", "joints?", "skin", "hair", "eyesight", "vision",
           "blood", "circulation", "enzymes?", "hormones?", "metabolism", "stamina", "vitality",
           "libido", "sex drive", "erections?", "fertility", "testosterone", "memory",
           "wounds?", "grow taller", "growth", "body", "health", "nerves", "body heat",
           "longevity", "alert(?:ness)?", "focus", "concentration", "immune system",
           "defen[cs]es", "arter(?:y|ies)", "blood vessels", "prostate", "thyroid", "uterus",
           "ovaries", "sperm", "bedroom performance"),
    "fr": ("foie", "reins?", "c(?:œ|oe)ur", "cerveau", "poumons?", "estomac", "intestins?",
           "digestion", "os", "articulations?", "peau", "cheveux", "yeux", "vue", "sang",
           "circulation", "enzymes?", r"hépatiques?", "hormones?", "métabolisme", "endurance",
           "vitalité", "libido", "mémoire", "plaies?", r"cicatris\w*", "croissance", "grandir",
           "organisme", "corps", "santé", "nerfs", "longévité", "concentration",
           "défenses(?: immunitaires)?", "système immunitaire", "artères", "vaisseaux sanguins",
           "prostate", "thyroïde", "utérus", "ovaires", "spermatozoïdes", "flore intestinale",
           "transit"),
}
# Ambiguous once accents are lost: left out of the accent-free patterns.
_FOLD_UNSAFE = {
    "ho(?: khan| có đờm| gà)?", "sốt(?! dẻo| cà| vang| me| bơ)", "nám", "trĩ", "nôn", "bỏng",
    "hen(?: suyễn)?", "cúm", "mụn(?: nhọt| trứng cá)?", "loét", "đờm", r"đau(?: \w+)?",
    "gan", "thận", "tim", "não", "phổi", "da", "tóc", "mắt", "máu", "xương", "khớp", "họng",
    "cơ thể", "mát", "bổ", "thanh", "giải", "hạ", "lành", "tăng(?: cường)?", "ngăn", "chống",
    "kho[ẻe](?: hẳn| ra| lên| mạnh)?", "phòng", "đỡ(?: hẳn)?", "bớt", "tránh", "khắc tinh",
    "ruột", "giấc ngủ",
}
# Accent-free stand-ins for unsafe fragments that are too useful to lose.
_FOLD_EXTRA = {
    "cond": (r"đau (?:bao tử|dạ dày|đầu|lưng|bụng|họng|khớp|răng|nửa đầu|vai gáy|xương)",
             "mụn (?:nhọt|trứng cá)", "hen suyễn"),
    "verb": ("tăng cường",),
    "body": ("giấc ngủ ngon", "xương khớp"),
}


def _folded(words: tuple[str, ...], extra: str = "") -> str:
    """The accent-free form of a lexicon, without its ambiguous fragments."""
    safe = tuple(w for w in words if w not in _FOLD_UNSAFE)
    return fold_pattern(alt(safe + _FOLD_EXTRA.get(extra, ())))


def pair(verbs: str, targets: str, lang: str) -> str:
    """A verb and its target at most a few words apart, in one clause."""
    return rf"\b{verbs}\b{_NOT_PRICE[lang]}{gap(_GAPS[lang])}{targets}\b"


def window_specs(lang: str) -> list[Spec]:
    cure, effect, after = CURE[lang], EFFECT[lang], AFTER[lang]
    cond, body = CONDITIONS[lang], BODY[lang]
    near = rf"{gap(3)}"

    def both(a: str, b: str) -> str:
        return rf"{pair(a, b, lang)}|\b{b}\b{near}{a}\b"

    vi = lang == "vi"
    fcure, fcond = _folded(cure, "verb"), _folded(cond, "cond")
    return [
        Spec(f"{lang}.cure", lang, "disease", pair(alt(cure), alt(cond), lang),
             pair(fcure, fcond, lang) if vi else None),
        Spec(f"{lang}.cured", lang, "disease", rf"\b{alt(cond)}\b{near}{alt(after)}\b",
             rf"\b{fcond}\b{near}{_folded(after)}\b" if vi else None),
        Spec(f"{lang}.effect", lang, "health", both(alt(effect), alt(body)),
             both(_folded(effect, "verb"), _folded(body, "body")) if vi else None),
    ]


NEGATION = {
    "vi": r"\b(?:không|chẳng|chả|chưa|đừng|chớ|ko|k|hok|hông|khum|hem|kg)\b"
          r"(?!\s+(?:chỉ|những|lo|còn|sợ|cần))",
    "en": r"\b(?:not|no|never|nor|cannot)\b(?!\s+(?:only|more|longer|again|need))|"
          r"n't\b(?!\s+(?:\w+\s+)?(?:any more|anymore))",
    # "ne ... plus" (no longer) announces a cure, not a denial: "je n'ai plus de migraines".
    "fr": r"(?:(?<!\w)(?:ne|pas|jamais|aucune?|ni)(?!\w)|(?<!\w)n['’])"
          r"(?!\s*\w+\s+plus\b)(?!\w*\s+plus\b)",
}
_TO_CLAUSE_END = r"(?:(?!\b(?:but|however|yet|nhưng|mais|tuy nhiên)\b)[^.!?;\n])*"
DISCLAIMER = {
    "vi": rf"\b(?:không phải là thuốc|không có tác dụng thay thế thuốc){_TO_CLAUSE_END}",
    "en": rf"\bnot (?:intended|meant) to (?:diagnose|treat|cure|prevent){_TO_CLAUSE_END}|"
          rf"\bnot (?:a )?(?:substitute|replacement) for{_TO_CLAUSE_END}",
    "fr": rf"\bn['’](?:est|a) pas (?:un médicament|destiné\w* à){_TO_CLAUSE_END}|"
          rf"\bne (?:remplace|se substitue) pas{_TO_CLAUSE_END}",
}
CAUTION = {
    "vi": r"\b(?:thận trọng|hỏi ý kiến|tham khảo ý kiến|tham vấn|không nên (?:dùng|uống|ăn|sử dụng)"
          r"|không (?:dùng|sử dụng) cho|không phù hợp (?:cho|với)|chống chỉ định|tránh dùng)\b",
    "en": r"\b(?:consult|check with (?:your|their|a) (?:doctor|physician|pharmacist|gp)|"
          r"ask (?:your|a) (?:doctor|pharmacist)|should not|should avoid|not suitable|"
          r"not recommended for|avoid (?:if|during)|seek medical advice)\b",
    "fr": r"(?:\bdemande[rz]? l['’]avis|\bconsulte\w*|\bdéconseillé\w*|\bne convient pas|"
          r"\bà éviter|\béviter en cas|\bavis médical|\bsur avis)",
}
CAUTION["vi"] = CAUTION["vi"] + "|" + fold_pattern(CAUTION["vi"])


def rule_spec(lang: str, rid: str, category: str, pattern: str, fold: bool = False,
              **kw) -> Spec:
    """A spec; ``fold`` also matches accent-free Vietnamese with the whole pattern folded."""
    folded = fold_pattern(pattern) if fold and lang == "vi" else None
    return Spec(f"{lang}.{rid}", lang, category, pattern, folded, **kw)


DRUGS = {
    "vi": (r"kháng sinh", "insulin", r"thuốc (?:bổ|ngủ|tây|giảm đau|kháng sinh|huyết áp|"
           r"tiểu đường|an thần|bắc|thang)", "viagra", "paracetamol", "aspirin"),
    "en": ("antibiotics?", "antiseptics?", "insulin", "painkillers?", "statins?", "viagra",
           "antidepressants?", "antihistamines?", "aspirin", "ibuprofen", "paracetamol",
           "prescription drugs?"),
    "fr": ("antibiotiques?", "antiseptiques?", "fortifiants?", "insuline", "antidouleurs?",
           "statines?", "viagra", "antidépresseurs?", "antihistaminiques?", "aspirine",
           "ibuprofène", "paracétamol"),
}
# Health professionals and the verbs by which they vouch for a food.
AUTHORITY = {
    "vi": (r"(?:bác sĩ|bác sỹ|bs\.|dược sĩ|lương y|y sĩ|y tá|điều dưỡng|nữ hộ sinh|"
           r"chuyên gia (?:y tế|dinh dưỡng|sức kho[ẻe])|thầy thuốc)",
           r"(?:khuyên|khuyến nghị|tin dùng|chứng nhận|công nhận|kiểm chứng|giới thiệu|kê đơn|"
           r"chỉ định|khẳng định|xác nhận|chứng minh)"),
    "en": (r"(?:dr\.?|doctors?|physicians?|pharmacists?|nutritionists?|dietitians?|nurses?|"
           r"midwives|midwife|herbalists?|naturopaths?|(?:health|medical) experts?)",
           r"(?:recommend\w*|endorse\w*|approve\w*|prescribe\w*|swear by|trust\w*|vouch\w*|"
           r"confirm\w*)"),
    "fr": (r"(?:docteur|dr\.?|médecins?|pharmacien\w*|nutritionnistes?|diététicien\w*|"
           r"infirmi(?:er|ère)s?|sages?-femmes?|naturopathes?|experts? (?:de la )?santé)",
           r"(?:recommand\w*|conseill\w*|prescri\w*|approuv\w*|jur\w* par|valid\w*|"
           r"confirm\w*)"),
}
# Weight loss as a verb near a weight noun, in either order ("vòng bụng giảm 8cm", "shed those
# stubborn pounds", "les kilos s'envolent").
WEIGHT = {
    "vi": (r"(?:giảm|xuống|bớt|mất|teo|tiêu|đánh bay|đốt|tụt|rớt|bay)",
           rf"{NUM}\s*(?:kg|ký|kí|cân|cm|phân|size)",
           r"(?:vòng (?:eo|bụng|2|hai)|mỡ bụng|bụng mỡ|ngấn mỡ)"),
    "en": (r"(?:shed\w*|los(?:e|es|ing|t)|drop\w*|melt\w* away|burn\w*|blast\w*)",
           rf"{NUM}\s*(?:pounds|kilos|kg|lbs|inches|dress sizes?)",
           r"(?:(?:\w+ )?pounds|kilos|belly(?: fat)?|body fat|stubborn fat|waistline|"
           r"love handles|weight|dress sizes?)"),
    "fr": (r"(?:perd\w*|brûl\w*|élimin\w*|affin\w*|s['’]envol\w*|disparaiss\w*|"
           r"(?:fait|font|faire) fondre)",
           rf"{NUM}\s*(?:kilos|kg|centimètres|cm|tailles?)",
           r"(?:les kilos|kilos en trop|graisses?|ventre|bourrelets|tour de taille|"
           r"poignées d'amour)"),
}


def structure_specs(lang: str) -> list[Spec]:
    who, says = AUTHORITY[lang]
    loss, amount, shape = WEIGHT[lang]
    body = alt(BODY[lang])
    thanks = {"vi": r"(?:sẽ )?cảm ơn", "en": r"(?:will |would )?thank you",
              "fr": r"vous (?:diront|dira|remercier\w*) merci|vous remerci\w*"}[lang]
    return [
        rule_spec(lang, "drug", "disease", rf"\b{alt(DRUGS[lang])}\b", fold=True, cautionable=True),
        rule_spec(lang, "authority", "endorsement", rf"\b{who}(?!\w)[^.!?;]{{0,50}}?\b{says}\b",
           fold=True, cautionable=True),
        rule_spec(lang, "weightpair", "weight",
           rf"\b{loss}\b{gap(3)}(?:{amount}(?!\w)(?!\s+(?:of|de|d['’]|gạo|hàng)\b)|{shape}\b)"
           rf"|\b{shape}\b{gap(3)}{loss}\b", fold=True),
        rule_spec(lang, "thanks", "health", rf"\b{body}\b{gap(3)}{thanks}\b"),
    ]


# Hashtags glue the words together ("#giammo", "#detoxbody", "#weightloss"): key claim terms
# are matched inside a hashtag without their spaces, with or without accents.
HASHTAG_TERMS = {
    "vi": ("giảm cân", "giảm mỡ", "giảm béo", "giữ dáng", "eo thon", "thải độc", "giải độc",
           "detox", "tiểu đường", "ung thư", "huyết áp", "mát gan", "chữa bệnh", "trị mụn",
           "trị nám", "đẹp da", "đề kháng", "miễn dịch", "mất ngủ", "xương khớp", "dạ dày",
           "lợi sữa", "tăng chiều cao", "thanh lọc"),
    "en": ("weight loss", "detox", "fat burn", "slimming", "immunity", "immune boost",
           "anti inflammatory", "anti cancer", "gut health", "blood sugar", "anti aging"),
    "fr": ("minceur", "détox", "perte de poids", "brûle graisse", "immunité",
           "anti inflammatoire", "anti âge", "ventre plat"),
}


def hashtag_spec(lang: str) -> Spec:
    terms = tuple(t.replace(" ", "") for t in HASHTAG_TERMS[lang])
    pattern = rf"#\w*{alt(terms)}\w*"
    return Spec(f"{lang}.hashtag", lang, "health", pattern, fold_pattern(pattern))


def population_vi() -> list[Spec]:
    return [
        # A reader addressed by an ailment: "ai hay bị đau nửa đầu", "mẹ nào bị mất sữa".
        rule_spec("vi", "population", "disease",
           r"\b(?:ai|người|những ai|bạn|anh chị|chị em|mẹ|bé|con|ông bà|bố mẹ|các cụ)"
           rf"(?: \w+)?(?: hay| thường| đang| nào)? (?:bị|mắc)(?: \w+)? {alt(CONDITIONS['vi'])}\b",
           cautionable=True),
        rule_spec("vi", "ailing", "disease", rf"\b(?:bị|mắc)(?: \w+)? {alt(CONDITIONS['vi'])}\b",
           cautionable=True),
        # After childbirth, more milk: "mẹ sau sinh ... sữa về", "femmes qui allaitent ... lait".
        rule_spec("vi", "lactation", "health", r"\b(?:sau sinh|cho con bú|sản phụ)\b[^.!?]{0,40}?"
           r"\b(?:nhiều sữa|sữa về|lợi sữa|gọi sữa|kích sữa|tăng sữa)\b", fold=True),
        rule_spec("vi", "syndrome", "disease",
           r"\b(?:hội chứng|chứng (?!nhận|minh|khoán|từ|cứ|kiến|thực|chỉ|tỏ)\w+)"
           r"|\bbị (?:trĩ|ho|sốt|cúm|hen|mụn|bỏng|nôn)\b", fold=True, cautionable=True),
    ]


