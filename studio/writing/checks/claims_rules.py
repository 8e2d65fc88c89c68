"""Every rule of the claims check: window and structure rules from ``claims_lexicon``,
standalone terms, and set rules (detox, immunity, blood values, sleep, ageing, weight,
endorsement, fear, mood).
"""

from __future__ import annotations

from studio.writing.checks.claims_lexicon import (
    NUM,
    Spec,
    hashtag_spec,
    population_vi,
    structure_specs,
    window_specs,
)
from studio.writing.checks.claims_lexicon import rule_spec as _s


# --- standalone terms: a claim on their own ----------------------------------------------------
def _standalone_vi() -> list[Spec]:
    return [
        _s("vi", "disease", "disease", r"\b(?:ung thư|ung bướu|u bướu|tiểu đường|đái tháo đường|"
           r"khối u|bách bệnh|tiền sản giật|yếu sinh lý|xuất tinh sớm|viêm gan [bc]|xơ gan)\b",
           fold=True, cautionable=True),
        _s("vi", "condition", "disease",
           r"\bbệnh\b(?! viện)|\b(?:tim mạch|đột quỵ|tai biến|viêm \w+|vết loét|loét|"
           r"đau (?:lưng|đầu|bụng|dạ dày|bao tử|khớp|nhức|họng|mỏi)|nhức mỏi|cảm lạnh|cảm cúm|"
           r"buồn nôn|táo bón|tiêu chảy|trào ngược|ợ chua|béo phì|mỡ thừa|mỡ bụng|gan nhiễm mỡ|"
           r"sỏi thận|suy thận|hen suyễn|xương khớp|thoái ho[áa]|lành vết thương|"
           r"phục hồi sức kho[ẻe]|giải rượu|rụng tóc|liệu trình|kho[ẻe] hơn|kho[ẻe] mạnh hơn|"
           r"(?:tim|gan|thận|xương|mắt|dạ dày|bao tử) kho[ẻe]|sống thọ|trường thọ|"
           r"kéo dài tuổi thọ|hạ nhiệt|thanh nhiệt|sổ mũi|nghẹt mũi|lợi sữa|tâm an|ngủ sâu|"
           r"biếng ăn|tê bì|nóng trong|người (?:bị|mắc) \w+|mãn kinh|bốc ho[ảa]|khò khè|"
           r"phong thấp|thấp khớp|sống thêm \d+ năm|gút|gout|an thai|dưỡng thai|động thai|"
           r"(?:bé|trẻ|con) (?:tăng cân|cao lớn|lớn nhanh|tăng chiều cao)|"
           r"(?:tim|gan|thận|xương|mắt|dạ dày|bao tử|tóc|khớp|phổi|não|trí nhớ) (?:kho[ẻe]|sáng|"
           r"chắc|mạnh|sạch|dẻo dai|minh mẫn|tinh anh))\b", cautionable=True),
        _s("vi", "condition_folded", "disease",
           r"\b(?:benh(?! vien)|viem \w+|dau (?:lung|dau|bung|da day|bao tu|khop|hong)|"
           r"tao bon|trao nguoc|beo phi|gan nhiem mo|thoai hoa|thanh nhiet|nong trong|"
           r"xuong khop|mo bung)\b", cautionable=True),
        _s("vi", "medicine", "disease",
           r"\b(?:bài thuốc|thần dược|tiên dược|thuốc tiên|thuốc quý|thuốc nam|dược liệu quý|"
           r"tác dụng chữa bệnh|công dụng chữa bệnh|chữa bệnh|khắc tinh|thần kỳ|"
           r"trị tận gốc|không tái phát|100 ?% khỏi|khỏi (?:hẳn|bệnh)|hết bệnh|"
           r"thuốc (?:ngủ|tây|giảm đau|kháng sinh))\b", fold=True),
        _s("vi", "anti", "disease", r"\b(?:kháng (?:viêm|khuẩn|ung thư|u|virus|nấm)|"
           r"chống (?:viêm|ung thư|oxy ho[áa]|đột biến))\b", fold=True),
        _s("vi", "risk", "disease",
           r"\b(?:giảm|hạ|ngừa|tránh|phòng|ngăn)\b(?:\W+\w+){0,2}?\W+nguy cơ\b", fold=True),
        # The negation is part of the claim here: "khỏi cần thuốc", "k cần đi viện".
        _s("vi", "nomedicine", "disease",
           r"\b(?:khỏi|không|ko|k|chẳng|hok|hông|khỏi phải|không phải) (?:cần|phải) "
           r"(?:uống |dùng |đi |tới |đến |gặp )?(?:thuốc|viện|bệnh viện|bác sĩ|bác sỹ|"
           r"phòng khám|đeo kính|kính)\b|\bthay (?:thế )?thuốc\b", fold=True, negatable=False),
    ]


def _standalone_en() -> list[Spec]:
    return [
        _s("en", "disease", "disease", r"\b(?:cancers?|tumou?rs?|diabet(?:es|ic)|cure-?alls?|"
           r"erectile|impotence)\b", cautionable=True),
        _s("en", "condition", "disease",
           r"\b(?:arthritis|insomnia|migraines?|headaches?|ulcers?|nausea|indigestion|"
           r"upset stomach|heartburn|acid reflux|constipation|diarrh(?:o)?ea|hypertension|"
           r"illness(?:es)?|diseases?|infections?|inflammation|influenza|sore throats?|coughs?|"
           r"belly fat|stomach fat|(?:joint|back|muscle|stomach) pain|gout|obesity|asthma|eczema|"
           r"acne|hangovers?|recovery from|hair loss|healthier|live longer|live to a hundred|"
           r"(?:heart|bones|liver|kidneys|joints) (?:strong|healthy)|runny nose|blocked nose|"
           r"milk supply|lactation|people with \w+|suffering from|sufferers|"
           r"(?:get|gets|getting|got|fall|falls|falling) (?:sick|ill)|sick days|menopaus\w*|"
           r"hot flash(?:es)?|hot flushes|morning sickness|\w{4,}itis|osteoporosis|dementia|"
           r"alzheimer'?s|an(?:a)?emia|(?:stronger|healthier|clearer|sharper|brighter) "
           r"(?:bones|skin|eyes|eyesight|vision|memory|heart|liver|joints|mind))\b",
           cautionable=True),
        _s("en", "medicine", "disease", r"\b(?:natural |herbal )?remed(?:y|ies)\b|\bmiracle\b|"
           r"\bmedicinal\b|\bmedicine\b|\btherapeutic\b|\bwonder (?:drug|cure|herb)\b|"
           r"\bmagic (?:pill|potion|bullet)\b|\bpanacea\b|\belixir of (?:life|youth)\b"),
        _s("en", "lactation", "health", r"\b(?:breastfeed\w*|nursing mothers?|new mums?|"
           r"new moms?)\b[^.!?]{0,40}?\b(?:more|boost\w*|increas\w*) (?:breast ?)?milk\b"),
        _s("en", "anti", "disease", r"\banti-?(?:cancer\w*|inflammator\w*|diabet\w*|viral|"
           r"bacterial|tumou?r\w*|carcinogen\w*)\b"),
        _s("en", "risk", "disease",
           r"\b(?:reduc|lower|cut|minimi[sz]|decreas)\w*\b(?:\W+\w+){0,2}?\W+risks?\b"),
        _s("en", "nomedicine", "disease",
           r"\bwithout (?:any )?(?:medication|medicine|pills|drugs)\b|"
           r"\binstead of (?:\w+ )?(?:pills|medication|medicine|drugs)\b|\bsleeping pills\b|"
           r"\b(?:ditch|ditched|skip|replace\w*) (?:\w+ )?(?:medication|pills|painkillers|"
           r"antibiotics)\b"),
    ]


def _standalone_fr() -> list[Spec]:
    return [
        _s("fr", "disease", "disease", r"\b(?:cancers?|tumeurs?|diabètes?|diabétiques?|"
           r"anticancéreu\w*|impuissance)\b", cautionable=True),
        _s("fr", "condition", "disease",
           r"\b(?:arthrite|arthrose|insomnies?|migraines?|maux de (?:tête|ventre|gorge|dos)|"
           r"mal de (?:tête|ventre|gorge|dos)|ulcères?|nausées?|indigestions?|brûlures d'estomac|"
           r"brûlures gastriques|constipation|diarrhées?|hypertension|maladies?|infections?|"
           r"inflammations?|grippe|rhumes?|toux|graisse abdominale|ventre plat|douleurs?|"
           r"douloureu\w*|guérison|obésité|asthme|eczéma|acné|la goutte|chute des cheveux|"
           r"gueule de bois|meilleure santé|vivre (?:centenaire|plus longtemps)|"
           r"nez (?:bouché|qui coule)|débouche\w* le nez|lactation|souffrant de|"
           r"personnes atteintes|atteints? d[e'’]|hépatite|cirrhose|avc|infarctus|"
           r"cardio-?vasculaires?|dépression|fatigue chronique|ménopause|bouffées de chaleur|"
           r"nausées de grossesse|bronchites?|sinusites?|gastrites?|cystites?|ostéoporose|"
           r"démence|alzheimer|anémie|(?:os|peau|mémoire|vue) (?:plus )?(?:solides?|nette|"
           r"saine|jeune|neuve))\b", cautionable=True),
        _s("fr", "medicine", "disease", r"\bremèdes?\b|\bmédicinal\w*|\bvertus? thérapeutiques?\b|"
           r"\bpropriétés thérapeutiques\b|\bmiracle\b|\bpanacée\b|\bélixir de (?:jouvence|"
           r"longue vie)\b"),
        _s("fr", "lactation", "health", r"\b(?:allait\w*|jeunes mamans?)\b[^.!?]{0,40}?"
           r"\blait\b"),
        _s("fr", "sick", "disease", r"\btomb\w* (?:\w+ )?malades?\b", cautionable=True),
        _s("fr", "anti", "disease", r"\banti-?(?:cancér\w*|inflammatoire\w*|diabét\w*|viral\w*|"
           r"bactérien\w*|tumoral\w*)"),
        _s("fr", "risk", "disease",
           r"\b(?:rédui|diminu|baiss|limit)\w*\b(?:\W+\w+){0,2}?\W+risques?\b"),
        _s("fr", "nomedicine", "disease",
           r"\b(?:plus|pas|sans) besoin de (?:\w+ )?(?:médicaments?|somnifères?|pilules?|"
           r"traitements?)\b|\bsomnifères?\b|\bsans médicaments?\b|"
           r"\bremplac\w* (?:les |vos |un |le )?(?:médicaments?|traitements?)\b",
           negatable=False),
    ]


# --- set rules: detox, immunity, blood values, sleep, ageing, weight, endorsement, fear, mood -----
def _set_vi() -> list[Spec]:
    return [
        _s("vi", "detox", "health", r"\b(?:thải độc(?: tố)?|giải độc|thanh lọc cơ thể|detox|"
           r"đào thải độc tố|độc tố)\b", fold=True),
        _s("vi", "organ", "health", r"\b(?:bổ|mát|bảo vệ|tốt cho|bồi bổ|tăng cường)\s+(?:gan|thận|"
           r"tim|não|phổi|dạ dày|xương khớp|máu|tim mạch)\b|\bhạ men gan\b|\btráng dương\b"),
        _s("vi", "immunity", "health", r"\b(?:sức đề kháng|hệ miễn dịch|miễn dịch|đề kháng)\b",
           fold=True),
        _s("vi", "blood", "health", r"\b(?:đường huyết|đường trong máu|huyết áp|mỡ máu|"
           r"cholesterol|tiểu đường|a[xc]it uric)\b", fold=True, negatable=False, cautionable=True),
        _s("vi", "sleep", "health", r"\b(?:giúp|cho|mang lại|hỗ trợ)\s+(?:\w+\s+){0,2}?(?:ngủ ngon|"
           r"dễ ngủ|giấc ngủ)\b|\ban thần\b|\bmất ngủ\b|\bngủ (?:ngon|say) (?:tới|đến) sáng\b",
           fold=True),
        _s("vi", "ageing", "health", r"\b(?:chống|ngừa|làm chậm)\s+lão ho[áa]\b|\btrẻ ho[áa]\b|"
           r"\b(?:đẹp da|sáng da|mờ nám|trẻ đẹp từ bên trong|nếp nhăn)\b", fold=True),
        _s("vi", "generic", "health", r"\b(?:tốt cho sức kho[ẻe]|bồi bổ sức kho[ẻe]|"
           r"tăng cường sức kho[ẻe])\b", severity="warning"),
        _s("vi", "weight", "weight", rf"\b(?:giảm cân|giảm béo|giảm mỡ|đốt mỡ|tiêu mỡ|giữ dáng|"
           rf"eo thon|(?:giảm|xuống|bớt|mất)\s+{NUM}\s*(?:kg|ký|kí|cân|kilo))\b", fold=True),
        _s("vi", "doctor", "endorsement",
           r"\b(?:bác sĩ|bác sỹ|bs\.|dược sĩ|lương y|chuyên gia (?:y tế|dinh dưỡng))\b"
           r"[^.!?;]{0,50}?"
           r"\b(?:khuyên|khuyến nghị|tin dùng|chứng nhận|kiểm chứng|giới thiệu|kê đơn|chỉ định)\b|"
           r"\b(?:khuyên dùng|tin dùng|khuyến nghị)\b[^.!?;]{0,20}?\b(?:bởi )?(?:bác sĩ|bác sỹ|"
           r"dược sĩ|chuyên gia)\b", fold=True, cautionable=True),
        _s("vi", "patient", "endorsement", r"\b(?:bệnh nhân|người bệnh)\b|\btheo (?:lời )?"
           r"(?:bác sĩ|bác sỹ|bs\.?|dược sĩ|lương y|chuyên gia)\b", fold=True, cautionable=True),
        _s("vi", "fear", "fear",
           r"\b(?:thiếu|không có|nếu không(?: dùng| uống| có)?)\b[^.!?;]{0,60}?"
           r"\b(?:sức khỏe|sức khoẻ|cơ thể)\b[^.!?;]{0,40}?\b(?:suy giảm|suy yếu|sa sút|xấu đi|"
           r"kém đi|yếu đi|bị ảnh hưởng|gặp nguy)", negatable=False),
        _s("vi", "relax", "wellbeing", r"\bgiúp(?:\s+\w+){0,2}?\s+(?:thư giãn|giảm căng thẳng|"
           r"giảm stress|bớt căng thẳng|giảm lo âu|tinh thần thoải mái)\b|\b(?:giảm căng thẳng|"
           r"giảm stress|xả stress)\b", severity="warning"),
    ]


def _set_en() -> list[Spec]:
    doctors = r"(?:dr\b|doctors?|physicians?|pharmacists?|nutritionists?)"
    return [
        _s("en", "detox", "health", r"\bdetox\w*|\bcleans(?:e|es|ing)\b(?:\W+\w+){0,2}?\W+"
           r"(?:toxins|body|liver|blood|system|kidneys)\b|\btoxins?\b|\bpurif(?:y|ies)\b"
           r"(?:\W+\w+){0,2}?\W+(?:body|blood|liver)\b|\bflush\w*\b(?:\W+\w+){0,3}?\W+"
           r"(?:toxins|kidneys|liver|body)\b"),
        _s("en", "organ", "health", r"\b(?:protects?|supports?|good for|strengthens?|"
           r"nourish(?:es)?|boosts?)\b(?:\W+\w+){0,2}?\W+(?:liver|kidneys?|heart|brain|lungs|"
           r"joints|bones|digestion|gut|metabolism)\b"),
        _s("en", "immunity", "health", r"\bimmun\w+|\bimmune system\b|\bnatural defen[cs]es\b"),
        _s("en", "blood", "health", r"\bblood (?:sugar|glucose|pressure)\b|\bcholesterol\b|"
           r"\bglyc(?:a)?emi\w*|\bhypertension\b|\buric acid\b|\bglucose (?:spikes?|levels?)\b|"
           r"\b(?:sugar|insulin) spikes?\b", negatable=False, cautionable=True),
        _s("en", "sleep", "health", r"\b(?:fall asleep|sleep better|better sleep|deep sleep|"
           r"restful sleep|insomnia|sleepless\w*|sleep like a baby)\b"),
        _s("en", "ageing", "health", r"\banti-?(?:aging|ageing|oxidants?)\b|"
           r"\bslows?\b(?:\W+\w+){0,2}?\W+ag(?:e)?ing\b|"
           r"\bkeeps?\b(?:\W+\w+){0,2}?\W+skin young\b|\bwrinkles?\b|\byouthful skin\b"),
        _s("en", "proven", "health",
           r"\b(?:clinically|scientifically|medically) (?:proven|tested)\b"),
        _s("en", "generic", "health", r"\bgood for (?:your )?health\b|\bhealth benefits?\b",
           severity="warning"),
        _s("en", "weight", "weight", rf"\b(?:lose|losing|lost|shed|drop)\s+{NUM}\s*"
           r"(?:kg|kilos?|kilograms?|pounds|lbs?)\b(?!\s+of\b)|\bweight[- ]loss\b|\blose weight\b|"
           r"\bslimming\b|\bfat[- ]burn\w*|\bburns?\b(?:\W+\w+){0,1}?\W+fat\b|"
           r"\bappetite suppress\w*"),
        _s("en", "doctor", "endorsement",
           r"\b(?:dr\.?|doctors?|physicians?|pharmacists?|nutritionists?|dietitians?)\W[^.!?;]{0,40}?"
           r"\b(?:recommend\w*|endorse\w*|approve\w*|prescribe\w*|swear by|trust\w*)\b|"
           r"\b(?:recommended|endorsed|approved|prescribed|trusted)\b[^.!?;]{0,15}?\bby\b\W+"
           rf"(?:\w+\W+){{0,2}}?{doctors}|\b(?:doctor|physician)[- ](?:recommended|approved)\b",
           cautionable=True),
        _s("en", "patient", "endorsement", rf"\bpatients?\b|\baccording to {doctors}",
           cautionable=True),
        _s("en", "fear", "fear",
           r"\bwithout (?:this|our|it|these|a daily)\b[^.!?;]{0,80}?\b(?:health|body|immune|you)\b"
           r"[^.!?;]{0,40}?\b(?:suffer\w*|struggl\w*|declin\w*|weak\w*|at risk|deteriorat\w*)|"
           r"\byour health (?:will |may |could )?suffer", negatable=False),
        _s("en", "relax", "wellbeing", r"\bhelps? (?:you )?(?:to )?(?:relax|unwind|calm down|"
           r"de-?stress)\b|\b(?:relieves?|reduces?|fights?|beats?)\s+stress\b|\bstress relief\b|"
           r"\bcalms? (?:your )?(?:nerves|mind)\b|\breduces? anxiety\b", severity="warning"),
    ]


def _set_fr() -> list[Spec]:
    doctors = r"(?:docteur|dr\b|médecins?|pharmaciens?|nutritionnistes?)"
    return [
        _s("fr", "detox", "health", r"\bdétox\w*|\bdépurati\w*|\btoxines?\b|\bpurifi\w*\b"
           r"(?:\W+\w+){0,2}?\W+(?:organisme|corps|sang|foie)\b|\bdrain\w*\b(?:\W+\w+){0,2}?\W+"
           r"(?:organisme|corps)\b"),
        _s("fr", "organ", "health", r"\b(?:protèg\w*|protéger|nettoi\w*|renforc\w*|bon(?:ne)? pour|"
           r"soutien\w*|fortifi\w*)\b(?:\W+[\w']+){0,2}?\W+(?:foie|reins?|cœur|coeur|articulations|"
           r"digestion|os|cerveau|intestins?)\b"),
        _s("fr", "immunity", "health", r"\bimmun\w*|\bdéfenses naturelles\b"),
        _s("fr", "blood", "health", r"\bglycémi\w*|\btension artérielle\b|\bhypertension\b|"
           r"\bcholestérol\b|\bsucre dans le sang\b|\btaux de sucre\b|\bacide urique\b|"
           r"\bfait (?:pas )?monter la tension\b", negatable=False, cautionable=True),
        _s("fr", "sleep", "health", r"\bsommeil (?:réparateur|profond)\b|\binsomnies?\b|"
           r"\bendormi\w*|\bfavoris\w* (?:le |un )?sommeil\b|\bmieux dormir\b|"
           r"\bdorm\w* comme un bébé\b"),
        _s("fr", "ageing", "health", r"\banti-?(?:âge|oxydant\w*)\b|\bvieillissement\b|\brides\b|"
           r"\brajeuni\w*"),
        _s("fr", "proven", "health",
           r"\bcliniquement (?:prouvé|testé)\w*|\bscientifiquement prouvé"),
        _s("fr", "generic", "health", r"\bbon(?:ne)? pour (?:la |votre )?santé\b|"
           r"\bbienfaits? (?:pour la )?santé\b", severity="warning"),
        _s("fr", "weight", "weight", rf"\bminceur\b|\bamincissan\w*|\bperd\w*\s+{NUM}\s*"
           r"(?:kg|kilos?)\b(?!\s+d[e'’])|\bperte de poids\b|\bbrûl\w*\s+(?:les |des )?graisses\b|"
           r"\bbrûle-graisses?\b|\bcoupe-faim\b|\bmaigri\w*|\bfai\w* fondre (?:le |la |les )?"
           r"(?:ventre|graisses?|kilos|bourrelets)\b"),
        _s("fr", "doctor", "endorsement",
           r"\b(?:docteur|dr\.?|médecins?|pharmaciens?|nutritionnistes?|diététicien\w*)\W"
           r"[^.!?;]{0,40}?\b(?:recommand\w*|conseill\w*|prescri\w*|approuv\w*)|"
           r"\b(?:recommandée?s?|conseillée?s?|prescrite?s?|approuvée?s?)\s+par\b\W+"
           rf"(?:\w+\W+){{0,2}}?{doctors}", cautionable=True),
        _s("fr", "patient", "endorsement", rf"\bpatient(?:e)?s\b|\bselon (?:le |la |les )?"
           rf"(?:{doctors}|pharmacien\w*|nutritionniste\w*)", cautionable=True),
        _s("fr", "fear", "fear",
           r"\bsans (?:cette|ce|notre|nos|ces|elle|lui)\b[^.!?;]{0,80}?"
           r"\b(?:santé|organisme|corps)\b"
           r"[^.!?;]{0,40}?\b(?:dégrad\w*|souffr\w*|risqu\w*|affaibli\w*|décli\w*|pâti\w*)|"
           r"\bvotre santé (?:risque|va) (?:de )?(?:se dégrader|souffrir)", negatable=False),
        _s("fr", "relax", "wellbeing", r"\baide\w*\s+(?:\w+\s+){0,2}?(?:à\s+)?(?:vous\s+)?"
           r"(?:détendre|relaxer|apaiser|décompresser)\b|\b(?:réduit|diminue|soulage|combat)\s+"
           r"(?:le |votre )?stress\b|\banti-?stress\b", severity="warning"),
    ]



def specs() -> list[Spec]:
    """Every rule of every language, window rules first."""
    out: list[Spec] = []
    for lang, standalone, sets in (("vi", _standalone_vi, _set_vi), ("en", _standalone_en, _set_en),
                                   ("fr", _standalone_fr, _set_fr)):
        out += [*window_specs(lang), *structure_specs(lang), *standalone(), *sets(),
                hashtag_spec(lang)]
    out += population_vi()
    return out
