"""Disease and unauthorised health claims in vi, en and fr marketing copy.

Each rule is a regular expression over the lower-cased NFC text, in one of these categories:

- ``disease``: the food prevents, treats or cures a disease, or is presented as a medicine
  (EU Reg. 1169/2011 Art. 7(3)-(4); Vietnam Circular 08/2013/TT-BYT, Advertising Law).
- ``health``: detox, immunity, liver, sleep, blood sugar or pressure, cholesterol, anti-ageing...
  (EU Reg. 1924/2006 Art. 10: only claims authorised in Reg. 432/2012; Decree 15/2018 Art. 27).
- ``weight``: weight loss, slimming, and the rate or amount of weight loss (Art. 12(b)).
- ``endorsement``: doctors or patients vouching for the food (Art. 12(c); Decree 15/2018 Art. 27).
- ``fear``: suggesting health suffers without the food (Art. 12(a)).
- ``wellbeing`` (warning, not error): the food is said to relax or de-stress. A psychological
  function claim under Art. 13(1)(b), but common and mild, so it is shown without blocking.
  Relaxation as an occasion ("a relaxing afternoon", "buổi chiều thư giãn") is not flagged.

A match is dropped when a negation ("không", "not", "ne ... pas") stands shortly before it in the
same clause, so the Decree 15/2018 sentence "không phải là thuốc và không có tác dụng thay thế
thuốc chữa bệnh" passes. "Not only", "không chỉ", "không lo" (no worry) are not negations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from studio.writing.checks._text import fold_pattern, fold_same_length
from studio.writing.findings import Finding

LANGS = ("vi", "en", "fr")

REGULATIONS = {
    "disease": "EU Reg. 1169/2011 Art. 7(3)-(4); Vietnam Circular 08/2013/TT-BYT and Advertising "
               "Law (amended by Law 75/2025/QH15): a food may not claim to prevent, treat or cure "
               "a disease or be presented as a medicine",
    "health": "EU Reg. 1924/2006 Art. 10 (only health claims authorised in Reg. 432/2012); "
              "Vietnam Decree 15/2018 Art. 27 (claims must match the registered declaration)",
    "weight": "EU Reg. 1924/2006 Art. 10 and Art. 12(b) (no rate or amount of weight loss); "
              "Vietnam Decree 15/2018 Art. 27",
    "endorsement": "EU Reg. 1924/2006 Art. 12(c) (no endorsement by doctors or health "
                   "professionals); Vietnam Decree 15/2018 Art. 27 (no doctors or patient "
                   "testimonials)",
    "fear": "EU Reg. 1924/2006 Art. 12(a): no claim that health suffers without the food",
    "wellbeing": "EU Reg. 1924/2006 Art. 13(1)(b): a psychological-function claim needs an "
                 "authorised wording; describe the moment, not an effect",
}

MESSAGES = {
    "disease": "claims the food prevents, treats or cures a disease (or presents it as medicine)",
    "health": "unauthorised health claim",
    "weight": "weight-loss claim",
    "endorsement": "doctor or patient endorsement",
    "fear": "suggests health suffers without the food",
    "wellbeing": "effect on mood or stress (borderline health claim)",
}

SUGGESTIONS = {
    "vi": "Bỏ công dụng sức khỏe; hãy tả hương vị, nguồn gốc và cách làm{example}.",
    "en": "Remove the health effect; describe taste, origin and how it is made{example}.",
    "fr": "Retirez l'effet santé ; décrivez le goût, l'origine et la fabrication{example}.",
}
WELLBEING_SUGGESTIONS = {
    "vi": "Tả khoảnh khắc thay vì tác dụng, ví dụ: \"một tách trà cho buổi chiều thư thả\".",
    "en": "Describe the moment, not an effect, e.g. \"a cup for a slow afternoon\".",
    "fr": "Décrivez le moment plutôt qu'un effet, par ex. « une tasse pour un après-midi calme ».",
}
ENDORSEMENT_SUGGESTIONS = {
    "vi": "Bỏ lời bác sĩ/bệnh nhân; hãy để người làm ra sản phẩm kể về quy trình{example}.",
    "en": "Drop the doctor or patient; let the maker tell how it is made{example}.",
    "fr": "Retirez le médecin ou le patient ; laissez le producteur raconter la fabrication"
          "{example}.",
}

_W = r"[\w'’-]+"  # one word
_GAP = rf"(?:\W+{_W}){{0,4}}?\W+"  # up to four words between a verb and its object

_VI_DISEASES = (r"bệnh|ung thư|ung bướu|tiểu đường|đái tháo đường|huyết áp|mất ngủ|ho|"
                r"viêm\s*\w*|đau\s+\w+|dạ dày|gút|gout|mỡ máu|béo phì|sỏi\s+\w+|gan nhiễm mỡ|"
                r"cảm cúm|cảm|cúm|táo bón|trĩ|hen|xương khớp|thoái hóa|thoái hoá|khối u|u bướu")
_EN_DISEASES = (r"cancers?|tumou?rs?|diabetes|arthritis|insomnia|headaches?|migraines?|ulcers?|"
                r"coughs?|sore throats?|colds?|flu|influenza|infections?|inflammation|"
                r"hypertension|high blood pressure|diseases?|illness(?:es)?|pain|aches?|"
                r"constipation|gout|obesity|asthma|acne|fatigue|hangovers?")
_FR_DISEASES = (r"cancers?|tumeurs?|diabètes?|arthrite|insomnies?|migraines?|maux|mal|"
                r"ulcères?|toux|rhumes?|grippes?|infections?|inflammations?|hypertension|"
                r"maladies?|douleurs?|constipation|goutte|obésité|asthme|acné|fatigue")


# An effect verb and a body target in the same clause make a health claim whatever the wording
# ("cools the liver", "giúp vết thương mau lành", "redonne de la vitalité"): this pair generalises
# better than a list of set phrases.
_EFFECT = {
    "vi": r"giúp|tăng|tăng cường|nâng cao|cải thiện|bồi bổ|bổ|làm mát|mát|giải|thanh|hỗ trợ|"
          r"bảo vệ|phục hồi|tái tạo|kích thích|ổn định|điều ho[àa]|cân bằng|làm lành|mau lành|"
          r"lành|trở về bình thường|làm sạch|nuôi dưỡng|chống|ngăn|giảm|hạ|trẻ ho[áa]|"
          r"tốt cho|khắc tinh",
    "en": r"helps?|boosts?|improves?|supports?|strengthens?|restores?|cools?|clears?|cleanses?|"
          r"protects?|repairs?|regenerates?|nourish(?:es)?|stimulates?|balances?|regulates?|"
          r"heals?|back to normal|rejuvenates?|revitali[sz]es?|enhances?|increases?|promotes?|"
          r"good for|lowers?|reduces?|enemy of|sharpens?|keeps?",
    "fr": r"aide\w*|booste\w*|amélior\w*|soutien\w*|renforc\w*|redonn\w*|rafraîchi\w*|"
          r"nettoi\w*|protèg\w*|répar\w*|régénèr\w*|nourri\w*|stimul\w*|équilibr\w*|"
          r"régul\w*|revenu\w* à la normale|rajeuni\w*|revitalis\w*|favoris\w*|augment\w*|"
          r"bonne? pour|diminu\w*|réduit|baiss\w*|ennemi\w*|gard\w*|fortifi\w*",
}
_BODY = {
    "vi": r"gan|thận|tim|não|phổi|dạ dày|ruột|tiêu ho[áa]|đường ruột|xương|khớp|làn da|da|tóc|"
          r"mắt|thị lực|máu|khí huyết|men gan|nội tiết|sinh lý|sinh lực|chiều cao|trí nhớ|"
          r"vết thương|cơ thể|sức kho[ẻe]|trao đổi chất|cân nặng|vóc dáng|thần kinh|"
          r"nhiệt cơ thể|tuổi thọ|tỉnh táo|tập trung",
    "en": r"liver|kidneys?|heart|brain|lungs?|stomach|gut|digestion|digestive system|bones?|"
          r"joints?|skin|hair|eyesight|vision|blood|circulation|enzymes?|hormones?|metabolism|"
          r"stamina|vitality|libido|memory|wounds?|grow taller|growth|body|health|nerves|"
          r"body heat|longevity|alert(?:ness)?|focus|concentration",
    "fr": r"foie|reins?|c(?:œ|oe)ur|cerveau|poumons?|estomac|intestins?|digestion|os|"
          r"articulations?|peau|cheveux|yeux|vue|sang|circulation|enzymes?|hépatiques?|"
          r"hormones?|métabolisme|endurance|vitalité|libido|mémoire|plaies?|cicatris\w*|"
          r"croissance|grandir|organisme|corps|santé|nerfs|longévité|concentration",
}


def _effect_pattern(lang: str) -> str:
    effect, body, gap = _EFFECT[lang], _BODY[lang], r"[^.!?;\n]{0,50}?"
    return (rf"\b(?:{effect})\b{gap}\b(?:{body})\b|\b(?:{body})\b{gap}\b(?:{effect})\b")


@dataclass(frozen=True)
class Rule:
    id: str
    lang: str
    category: str
    pattern: re.Pattern
    severity: str = "error"
    negatable: bool = True
    folded: bool = False  # also matched on accent-free text (for texts that lost diacritics)


def _r(lang: str, rid: str, category: str, pattern: str, **kw) -> Rule:
    return Rule(rid, lang, category, re.compile(pattern, re.I), **kw)


RULES: tuple[Rule, ...] = (
    # --- Vietnamese ---------------------------------------------------------------------------
    _r("vi", "vi.cure", "disease",
       rf"(?<!sửa )(?<!giá )\b(?:chữa(?: trị)?|điều trị|đặc trị|trị(?! giá)|phòng ngừa|phòng chống|"
       rf"ngăn ngừa|phòng|ngừa|khỏi|hết|dứt điểm|tiêu diệt|đẩy lùi|đánh bay)"
       rf"(?:\s+\w+){{0,3}}?\s+(?:{_VI_DISEASES})\b"),
    _r("vi", "vi.disease", "disease", r"\b(?:ung thư|ung bướu|tiểu đường|đái tháo đường|"
       r"khối u|bách bệnh)\b", folded=True),
    _r("vi", "vi.condition", "disease",
       r"\bbệnh\b(?! viện)|\b(?:tim mạch|đột quỵ|viêm \w+|vết loét|loét|đau (?:lưng|đầu|bụng|"
       r"dạ dày|khớp|nhức|họng|mỏi)|nhức mỏi|cảm lạnh|cảm cúm|buồn nôn|táo bón|tiêu chảy|"
       r"béo phì|mỡ thừa|mỡ bụng|gan nhiễm mỡ|sỏi thận|suy thận|hen suyễn|xương khớp|"
       r"thoái hóa|thoái hoá|lành vết thương|phục hồi sức kho[ẻe]|giải rượu|rụng tóc|"
       r"liệu trình|kho[ẻe] hơn|kho[ẻe] mạnh hơn|(?:tim|gan|thận|xương|mắt) kho[ẻe]|sống thọ|"
       r"trường thọ|kéo dài tuổi thọ|hạ nhiệt|thanh nhiệt|sổ mũi|nghẹt mũi|lợi sữa|"
       r"tâm an|ngủ sâu|người (?:bị|mắc) \w+)\b"),
    _r("vi", "vi.medicine", "disease",
       r"\b(?:bài thuốc|thần dược|thuốc quý|thuốc nam|dược liệu quý|tác dụng chữa bệnh|"
       r"công dụng chữa bệnh|chữa bệnh)\b"),
    _r("vi", "vi.detox", "health", r"\b(?:thải độc(?: tố)?|giải độc|thanh lọc cơ thể|detox|"
       r"đào thải độc tố|độc tố)\b", folded=True),
    _r("vi", "vi.organ", "health", r"\b(?:bổ|mát|bảo vệ|tốt cho|bồi bổ|tăng cường)\s+(?:gan|thận|"
       r"tim|não|phổi|dạ dày|xương khớp|máu|tim mạch)\b|\bhạ men gan\b"),
    _r("vi", "vi.immunity", "health", r"\b(?:sức đề kháng|hệ miễn dịch|miễn dịch|đề kháng)\b",
       folded=True),
    _r("vi", "vi.blood", "health", r"\b(?:đường huyết|đường trong máu|huyết áp|mỡ máu|cholesterol|"
       r"tiểu đường|acid uric|axit uric)\b", folded=True, negatable=False),
    _r("vi", "vi.sleep", "health", r"\b(?:giúp|cho|mang lại|hỗ trợ)\s+(?:\w+\s+){0,2}?(?:ngủ ngon|"
       r"dễ ngủ|giấc ngủ)\b|\ban thần\b|\bmất ngủ\b"),
    _r("vi", "vi.ageing", "health", r"\b(?:chống|ngừa|làm chậm)\s+lão ho[áa]\b|\btrẻ ho[áa]\b|"
       r"\b(?:đẹp da|sáng da|mờ nám|trẻ đẹp từ bên trong)\b", folded=True),
    _r("vi", "vi.generic", "health", r"\b(?:tốt cho sức kho[ẻe]|bồi bổ sức kho[ẻe]|"
       r"tăng cường sức kho[ẻe])\b", severity="warning"),
    _r("vi", "vi.weight", "weight", r"\b(?:giảm cân|giảm béo|giảm mỡ|đốt mỡ|tiêu mỡ|giữ dáng|"
       r"eo thon|giảm\s+\d+(?:[.,]\d+)?\s*(?:kg|ký|cân))\b", folded=True),
    _r("vi", "vi.doctor", "endorsement",
       r"\b(?:bác sĩ|bác sỹ|bs\.|dược sĩ|lương y|chuyên gia (?:y tế|dinh dưỡng))\b[^.!?;]{0,50}?"
       r"\b(?:khuyên|khuyến nghị|tin dùng|chứng nhận|kiểm chứng|giới thiệu|kê đơn|chỉ định)\b|"
       r"\b(?:khuyên dùng|tin dùng|khuyến nghị)\b[^.!?;]{0,20}?\b(?:bởi )?(?:bác sĩ|bác sỹ|"
       r"dược sĩ|chuyên gia)\b"),
    _r("vi", "vi.effect", "health", _effect_pattern("vi")),
    _r("vi", "vi.patient", "endorsement", r"\b(?:bệnh nhân|người bệnh)\b|\btheo (?:lời )?"
       r"(?:bác sĩ|bác sỹ|bs\.?|dược sĩ|lương y|chuyên gia)\b"),
    _r("vi", "vi.fear", "fear",
       r"\b(?:thiếu|không có|nếu không(?: dùng| uống| có)?)\b[^.!?;]{0,60}?"
       r"\b(?:sức khỏe|sức khoẻ|cơ thể)\b[^.!?;]{0,40}?\b(?:suy giảm|suy yếu|sa sút|xấu đi|"
       r"kém đi|yếu đi|bị ảnh hưởng|gặp nguy)", negatable=False),
    _r("vi", "vi.relax", "wellbeing", r"\bgiúp(?:\s+\w+){0,2}?\s+(?:thư giãn|giảm căng thẳng|"
       r"giảm stress|bớt căng thẳng|giảm lo âu|tinh thần thoải mái)\b|\b(?:giảm căng thẳng|"
       r"giảm stress|xả stress)\b", severity="warning"),
    # --- English -------------------------------------------------------------------------------
    _r("en", "en.cure", "disease",
       rf"\b(?:prevent(?:s|ing|ion of)?|treat(?:s|ing|ment of|ment for)?|cure(?:s|d)?|"
       rf"heal(?:s|ed|ing)?|remed(?:y|ies) (?:for|against)|fight(?:s|ing)?|beat(?:s|ing)?|"
       rf"reverse(?:s|d)?|protect(?:s|ing)?(?: you)? (?:against|from)|relieve(?:s|d)?|"
       rf"soothe(?:s)?|ease(?:s)?|combat(?:s)?|get rid of|eliminate(?:s)?|kill(?:s)?|"
       rf"alleviate(?:s)?|say goodbye to|no more)"
       rf"{_GAP}(?:{_EN_DISEASES})\b"),
    _r("en", "en.disease", "disease", r"\b(?:cancers?|tumou?rs?|diabet(?:es|ic)|"
       r"cure-?alls?)\b"),
    _r("en", "en.condition", "disease",
       r"\b(?:arthritis|insomnia|migraines?|headaches?|ulcers?|nausea|indigestion|"
       r"upset stomach|heartburn|acid reflux|constipation|diarrh(?:o)?ea|hypertension|"
       r"illness(?:es)?|diseases?|infections?|inflammation|influenza|sore throats?|coughs?|"
       r"belly fat|stomach fat|(?:joint|back|muscle|stomach) pain|gout|obesity|asthma|eczema|"
       r"acne|hangovers?|recovery from|hair loss|healthier|live longer|live to a hundred|"
       r"(?:heart|bones|liver|kidneys|joints) (?:strong|healthy)|runny nose|blocked nose|"
       r"milk supply|lactation|people with \w+|suffering from|sufferers)\b"),
    _r("en", "en.medicine", "disease", r"\b(?:natural |herbal )?remed(?:y|ies)\b|\bmiracle\b|"
       r"\bmedicinal\b|\bmedicine\b|\btherapeutic\b"),
    _r("en", "en.detox", "health", r"\bdetox\w*|\bcleans(?:e|es|ing)\b(?:\W+\w+){0,2}?\W+(?:toxins|"
       r"body|liver|blood|system|kidneys)\b|\btoxins?\b|\bpurif(?:y|ies)\b(?:\W+\w+){0,2}?\W+"
       r"(?:body|blood|liver)\b"),
    _r("en", "en.organ", "health", r"\b(?:protects?|supports?|good for|strengthens?|nourish(?:es)?|"
       r"boosts?)\b(?:\W+\w+){0,2}?\W+(?:liver|kidneys?|heart|brain|lungs|joints|bones|"
       r"digestion|gut|metabolism)\b"),
    _r("en", "en.immunity", "health", r"\bimmun\w+|\bimmune system\b|\bnatural defen[cs]es\b"),
    _r("en", "en.blood", "health", r"\bblood (?:sugar|glucose|pressure)\b|\bcholesterol\b|"
       r"\bglyc(?:a)?emi\w*|\bhypertension\b|\buric acid\b", negatable=False),
    _r("en", "en.sleep", "health", r"\b(?:fall asleep|sleep better|better sleep|deep sleep|"
       r"restful sleep|insomnia|sleepless\w*)\b"),
    _r("en", "en.ageing", "health", r"\banti-?(?:aging|ageing|oxidants?)\b|"
       r"\bslows?\b(?:\W+\w+){0,2}?\W+ag(?:e)?ing\b|"
       r"\bkeeps?\b(?:\W+\w+){0,2}?\W+skin young\b|\bwrinkles?\b|\byouthful skin\b"),
    _r("en", "en.proven", "health",
       r"\b(?:clinically|scientifically|medically) (?:proven|tested)\b"),
    _r("en", "en.generic", "health", r"\bgood for (?:your )?health\b|\bhealth benefits?\b",
       severity="warning"),
    _r("en", "en.weight", "weight", r"\b(?:lose|losing|lost|shed|drop)\s+\d+(?:[.,]\d+)?\s*"
       r"(?:kg|kilos?|kilograms?|pounds|lbs?)\b|\bweight[- ]loss\b|\blose weight\b|"
       r"\bslimming\b|\bfat[- ]burn\w*|\bburns?\b(?:\W+\w+){0,1}?\W+fat\b|"
       r"\bappetite suppress\w*"),
    _r("en", "en.doctor", "endorsement",
       r"\b(?:dr\.?|doctors?|physicians?|pharmacists?|nutritionists?|dietitians?)\W[^.!?;]{0,40}?"
       r"\b(?:recommend\w*|endorse\w*|approve\w*|prescribe\w*|swear by|trust\w*)\b|"
       r"\b(?:recommended|endorsed|approved|prescribed|trusted)\b[^.!?;]{0,15}?\bby\b\W+"
       r"(?:\w+\W+){0,2}?(?:dr\b|doctors?|physicians?|pharmacists?|nutritionists?)"),
    _r("en", "en.effect", "health", _effect_pattern("en")),
    _r("en", "en.patient", "endorsement", r"\bpatients?\b|\baccording to (?:dr\b|doctors?|"
       r"physicians?|pharmacists?|nutritionists?)"),
    _r("en", "en.fear", "fear",
       r"\bwithout (?:this|our|it|these|a daily)\b[^.!?;]{0,80}?\b(?:health|body|immune|you)\b"
       r"[^.!?;]{0,40}?\b(?:suffer\w*|struggl\w*|declin\w*|weak\w*|at risk|deteriorat\w*)|"
       r"\byour health (?:will |may |could )?suffer", negatable=False),
    _r("en", "en.relax", "wellbeing", r"\bhelps? (?:you )?(?:to )?(?:relax|unwind|calm down|"
       r"de-?stress)\b|\b(?:relieves?|reduces?|fights?|beats?)\s+stress\b|\bstress relief\b|"
       r"\bcalms? (?:your )?(?:nerves|mind)\b|\breduces? anxiety\b", severity="warning"),
    # --- French --------------------------------------------------------------------------------
    _r("fr", "fr.cure", "disease",
       rf"\b(?:prévien\w*|prévenir|prévention|guéri\w*|soign\w*|trait(?:e|ent|er|ement)|"
       rf"remèdes? (?:contre|pour)|combat\w*|lutte\w* contre|soulag\w*|élimin\w*|"
       rf"protèg\w* contre|apais\w*|vien\w* à bout)"
       rf"{_GAP}(?:{_FR_DISEASES})\b"),
    _r("fr", "fr.disease", "disease", r"\b(?:cancers?|tumeurs?|diabètes?|diabétiques?)\b"),
    _r("fr", "fr.condition", "disease",
       r"\b(?:arthrite|arthrose|insomnies?|migraines?|maux de (?:tête|ventre|gorge|dos)|"
       r"mal de (?:tête|ventre|gorge|dos)|ulcères?|nausées?|indigestions?|brûlures d'estomac|"
       r"constipation|diarrhées?|hypertension|maladies?|infections?|inflammations?|grippe|"
       r"rhumes?|toux|graisse abdominale|ventre plat|douleurs?|douloureu\w*|guérison|"
       r"obésité|asthme|eczéma|acné|la goutte|chute des cheveux|gueule de bois|"
       r"meilleure santé|vivre (?:centenaire|plus longtemps)|nez (?:bouché|qui coule)|"
       r"débouche\w* le nez|lactation|souffrant de|personnes atteintes)\b"),
    _r("fr", "fr.medicine", "disease", r"\bremèdes?\b|\bmédicinal\w*|\bvertus? thérapeutiques?\b|"
       r"\bpropriétés thérapeutiques\b|\bmiracle\b"),
    _r("fr", "fr.detox", "health", r"\bdétox\w*|\bdépurati\w*|\btoxines?\b|\bpurifi\w*\b"
       r"(?:\W+\w+){0,2}?\W+(?:organisme|corps|sang|foie)\b|\bdrain\w*\b(?:\W+\w+){0,2}?\W+"
       r"(?:organisme|corps)\b"),
    _r("fr", "fr.organ", "health", r"\b(?:protèg\w*|protéger|nettoi\w*|renforc\w*|bon(?:ne)? pour|"
       r"soutien\w*|fortifi\w*)\b(?:\W+[\w']+){0,2}?\W+(?:foie|reins?|cœur|coeur|articulations|"
       r"digestion|os|cerveau|intestins?)\b"),
    _r("fr", "fr.immunity", "health", r"\bimmun\w*|\bdéfenses naturelles\b"),
    _r("fr", "fr.blood", "health", r"\bglycémi\w*|\btension artérielle\b|\bhypertension\b|"
       r"\bcholestérol\b|\bsucre dans le sang\b|\btaux de sucre\b|\bacide urique\b|"
       r"\bfait (?:pas )?monter la tension\b", negatable=False),
    _r("fr", "fr.sleep", "health", r"\bsommeil (?:réparateur|profond)\b|\binsomnies?\b|"
       r"\bendormi\w*|\bfavoris\w* (?:le |un )?sommeil\b|\bmieux dormir\b"),
    _r("fr", "fr.ageing", "health", r"\banti-?(?:âge|oxydant\w*)\b|\bvieillissement\b|\brides\b|"
       r"\brajeuni\w*"),
    _r("fr", "fr.proven", "health",
       r"\bcliniquement (?:prouvé|testé)\w*|\bscientifiquement prouvé"),
    _r("fr", "fr.generic", "health", r"\bbon(?:ne)? pour (?:la |votre )?santé\b|"
       r"\bbienfaits? (?:pour la )?santé\b", severity="warning"),
    _r("fr", "fr.weight", "weight", r"\bminceur\b|\bamincissan\w*|\bperd\w*\s+\d+(?:[.,]\d+)?\s*"
       r"(?:kg|kilos?)\b|\bperte de poids\b|\bbrûl\w*\s+(?:les |des )?graisses\b|"
       r"\bbrûle-graisses?\b|\bcoupe-faim\b|\bmaigri\w*"),
    _r("fr", "fr.doctor", "endorsement",
       r"\b(?:docteur|dr\.?|médecins?|pharmaciens?|nutritionnistes?|diététicien\w*)\W[^.!?;]{0,40}?"
       r"\b(?:recommand\w*|conseill\w*|prescri\w*|approuv\w*)|"
       r"\b(?:recommandée?s?|conseillée?s?|prescrite?s?|approuvée?s?)\s+par\b\W+(?:\w+\W+){0,2}?"
       r"(?:docteur|dr\b|médecins?|pharmaciens?|nutritionnistes?)"),
    _r("fr", "fr.effect", "health", _effect_pattern("fr")),
    _r("fr", "fr.patient", "endorsement", r"\bpatient(?:e)?s\b|\bselon (?:le |la |les )?"
       r"(?:dr\b|docteur|médecins?|pharmacien\w*|nutritionniste\w*)"),
    _r("fr", "fr.fear", "fear",
       r"\bsans (?:cette|ce|notre|nos|ces|elle|lui)\b[^.!?;]{0,80}?\b(?:santé|organisme|corps)\b"
       r"[^.!?;]{0,40}?\b(?:dégrad\w*|souffr\w*|risqu\w*|affaibli\w*|décli\w*|pâti\w*)|"
       r"\bvotre santé (?:risque|va) (?:de )?(?:se dégrader|souffrir)", negatable=False),
    _r("fr", "fr.relax", "wellbeing", r"\baide\w*\s+(?:\w+\s+){0,2}?(?:à\s+)?(?:vous\s+)?"
       r"(?:détendre|relaxer|apaiser|décompresser)\b|\b(?:réduit|diminue|soulage|combat)\s+"
       r"(?:le |votre )?stress\b|\banti-?stress\b", severity="warning"),
)

_NEGATION = {
    "vi": re.compile(r"\b(?:không|chẳng|chả|chưa|đừng|chớ)\b(?!\s+(?:chỉ|những|lo|còn|sợ))",
                     re.I),
    "en": re.compile(r"\b(?:not|no|never|nor|cannot)\b(?!\s+(?:only|more|longer|again))|"
                     r"n't\b(?!\s+(?:\w+\s+)?(?:any more|anymore))", re.I),
    # "ne ... plus" (no longer) announces a cure, not a denial: "je n'ai plus de migraines".
    "fr": re.compile(r"(?:(?<!\w)(?:ne|pas|jamais|aucune?|ni)(?!\w)|(?<!\w)n['’])"
                     r"(?!\s*\w+\s+plus\b)(?!\w*\s+plus\b)", re.I),
}
_CLAUSE_END = re.compile(r"[.;!?\n]")
# Words before the match that a negation may stand in; Vietnamese counts syllables.
_NEGATION_WINDOW = {"vi": 12, "en": 8, "fr": 8}


@lru_cache(maxsize=64)
def _folded_pattern(pattern: str) -> re.Pattern:
    return re.compile(fold_pattern(pattern), re.I)


def _negated(text: str, start: int, lang: str) -> bool:
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    words = text[clause_start:start].split()[-_NEGATION_WINDOW[lang]:]
    return bool(_NEGATION[lang].search(" ".join(words)))


def _example(lang: str, facts: dict | None) -> str:
    """A concrete hint from the fact sheet, so the rewrite has something true to say."""
    if not facts:
        return ""
    origin = (facts.get("origin") or "").strip()
    steps = [s for s in facts.get("process_steps") or [] if s]
    if lang == "vi" and (origin or steps):
        bits = [f"làm ở {origin}" if origin else "", steps[0].lower() if steps else ""]
        return ", ví dụ: \"" + ", ".join(b for b in bits if b) + "\""
    if origin:
        return f", e.g. \"made in {origin}\"" if lang == "en" else f", par ex. « fait à {origin} »"
    return ""


def _suggestion(category: str, lang: str, facts: dict | None) -> str:
    if category == "wellbeing":
        return WELLBEING_SUGGESTIONS[lang]
    table = ENDORSEMENT_SUGGESTIONS if category == "endorsement" else SUGGESTIONS
    return table[lang].format(example=_example(lang, facts))


def check(text: str, lang: str, facts: dict | None = None) -> list[Finding]:
    """Claims in ``text`` (NFC); one finding per claim, overlapping matches merged.

    Args:
        text: the text to check, already NFC.
        lang: "vi", "en" or "fr".
        facts: the product's fact sheet, used only to make the rewrite suggestion concrete.
    """
    if lang not in LANGS:
        raise ValueError(f"claims: unsupported language {lang!r}; use one of {LANGS}")
    folded = fold_same_length(text)
    hits: list[tuple[int, int, Rule]] = []
    for rule in RULES:
        if rule.lang != lang:
            continue
        spans = {m.span() for m in rule.pattern.finditer(text)}
        if rule.folded:
            # Only where the text itself is accent-free: a text that lost its diacritics.
            spans |= {m.span() for m in _folded_pattern(rule.pattern.pattern).finditer(folded)
                      if text[m.start():m.end()].lower() == m.group()}
        for start, end in spans:
            if rule.negatable and _negated(text, start, lang):
                continue
            hits.append((start, end, rule))
    return _merge(text, lang, facts, hits)


def _merge(text: str, lang: str, facts: dict | None,
           hits: list[tuple[int, int, Rule]]) -> list[Finding]:
    """Keep one finding per overlapping group: the error before the warning, then the longest."""
    rank = {"error": 0, "warning": 1}
    hits.sort(key=lambda h: (h[0], rank[h[2].severity], -(h[1] - h[0])))
    out: list[Finding] = []
    last_end = -1
    for start, end, rule in hits:
        if start < last_end and out:
            prev = out[-1]
            if rank[rule.severity] >= rank[prev.severity]:
                continue
        out.append(Finding("claim", rule.severity, start, end, text[start:end],
                           REGULATIONS[rule.category],
                           f"{MESSAGES[rule.category]} ({rule.id})",
                           _suggestion(rule.category, lang, facts)))
        last_end = max(last_end, end)
    return out
