"""The emergency net (lotse/safety.py, lotse/safety_words.py, data/safety/): the matching bugs of
issue 16, the families of phrasing in all eight languages, and one false-alarm policy for all."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotse import LANGUAGES
from lotse.safety import compile_phrase, find_match, find_phrase, load_phrases
from lotse.safety_words import words_of

PHRASES = load_phrases()


# --- the matching bugs -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["kendimi öldüreceğim", "kendimi oldurecegim", "bu gece kendimi öldürmeyi düşünüyorum"]
)
def test_a_short_turkish_last_word_takes_its_ending(text: str) -> None:
    """`kendimi öldür` has five letters in its last word: no ending was allowed."""
    assert find_phrase(text, PHRASES) == ("kendimi", "oldur")


@pytest.mark.parametrize(
    "text", ["il m'a frappée", "il m’a frappée hier soir", "il m a frappée", "il ma frappé"]
)
def test_a_french_elision_matches_however_it_is_typed(text: str) -> None:
    """`m'a frappée` became `m a frappee` and never matched `ma frappe`."""
    assert find_phrase(text, PHRASES) is not None


def test_apostrophes_join_and_spaces_typed_for_them_too() -> None:
    assert words_of("il m'a serré le cou") == words_of("il m a serre le cou")
    assert words_of("I don't want to live") == words_of("i don t want to live")
    assert words_of("j'ai avalé") == ["jai", "avale"]


@pytest.mark.parametrize("text", ["والانتحار هو الحل", "فكرت بالانتحار", "وضربني امبارح", "لليأس"])
def test_arabic_clitic_prefixes_and_the_article(text: str) -> None:
    """و ب ل ف س and ال in front of a phrase word were never matched."""
    expected = text != "لليأس"  # a prefix stripped never makes an unrelated word a danger
    assert (find_phrase(text, PHRASES) is not None) is expected


@pytest.mark.parametrize(
    "text", ["hilfeeee er schlägt mich", "er schlääägt mich", "الحقوووني", "helpppp he hits me"]
)
def test_letters_stretched_in_a_cry_still_match(text: str) -> None:
    """A frightened person stretches letters; three or more of one letter read as one or two."""
    assert find_phrase(text, PHRASES) is not None


def test_stretched_letters_make_no_new_word_of_an_ordinary_one() -> None:
    assert find_phrase("alllles gut, danke schööön", PHRASES) is None


@pytest.mark.parametrize(
    "text", ["نمی خوام زنده باشم", "نمی‌خوام زنده باشم", "نمیخوام زنده باشم", "می خوام بمیرم"]
)
def test_persian_zwnj_and_space_variants(text: str) -> None:
    assert find_phrase(text, PHRASES) is not None
    assert words_of("می خوام") == words_of("می‌خوام") == words_of("میخوام")


@pytest.mark.parametrize(
    "text", ["أريد أن أموت", "اريد ان اموت", "إريد إن أموت", "جرعة زائدة", "جرعه زايده"]
)
def test_arabic_hamza_alef_ya_and_ta_marbuta_variants(text: str) -> None:
    assert find_phrase(text, PHRASES) is not None


@pytest.mark.parametrize(
    "text", ["меня избила мать", "вчера он меня опять избил", "мене побила", "він мене вдарив"]
)
def test_slavic_endings_on_every_word(text: str) -> None:
    assert find_phrase(text, PHRASES) is not None


def test_stems_exact_words_and_gaps() -> None:
    stem = compile_phrase("beni döv*", "tr")
    exact = compile_phrase("пожар=", "ru")
    gap = compile_phrase("hat mich ~ geschlagen", "de")
    assert stem and exact and gap
    assert stem.phrase == ("beni", "dov*") and gap.phrase == ("hat", "mich", "~", "geschlagen")
    assert find_phrase("хочу работать пожарным", PHRASES) is None  # no ending on пожар=
    assert find_phrase("er hat mich gestern wieder geschlagen", PHRASES) is not None
    assert find_phrase("er hat mich nach dem deutschkurs gestern abend geschlagen", PHRASES) is None


def test_the_matched_phrase_knows_its_language() -> None:
    match = find_match("kocam beni dövdü", PHRASES)
    assert match is not None and match.language == "tr"


def test_unknown_language_files_use_a_default_rule(tmp_path: Path) -> None:
    (tmp_path / "emergency_xx.txt").write_text("# a comment\n\nhelp now\n", encoding="utf-8")
    net = load_phrases(tmp_path)
    assert find_phrase("please help now", net) == ("help", "now")
    assert find_phrase("", net) is None and find_phrase("?!", net) is None


def net_of(directory: Path, lang: str, *phrases: str) -> object:
    (directory / f"emergency_{lang}.txt").write_text("\n".join(phrases) + "\n", encoding="utf-8")
    return load_phrases(directory)


@pytest.mark.parametrize(
    ("lang", "phrase", "text"),
    [
        ("tr", "kendimi öldür", "kendimi öldüreceğim"),  # a five-letter last word
        ("fr", "ma frappé", "il m'a frappée"),  # m'a folded to "m a"
        ("fr", "m'a frappé", "il ma frappee"),
        ("ar", "انتحار", "بالانتحار"),  # prefixes and the article
        ("ar", "ضربني", "وضربني"),
        ("ar", "الانتحار", "والانتحار"),
        ("fa", "نمی‌خوام زنده باشم", "نمی خوام زنده باشم"),  # ZWNJ typed as a space
        ("fa", "قرص‌ها رو خورده", "قرص ها رو خورده"),
        ("ru", "избил меня", "избила меня"),  # endings on every word, not only the last
        ("uk", "побив мене", "побила мене"),
        ("tr", "beni döv*", "beni dövdüler"),  # a stem from the list
    ],
)
def test_the_rules_match_a_phrase_in_its_other_forms(
    tmp_path: Path, lang: str, phrase: str, text: str
) -> None:
    assert find_phrase(text, net_of(tmp_path, lang, phrase)) is not None  # type: ignore[arg-type]


# --- the families, in every language -----------------------------------------------------------

FAMILIES: dict[str, list[str]] = {
    "de": [
        "mein mann hat mich gestern abend wieder geschlagen",
        "ich denke an selbstmord",
        "ich will einfach nur sterben",
        "er hat mich vergewaltigt",
        "er droht mich umzubringen",
        "er würgt mich",
        "da steht ein mann mit messer vor der tür",
        "mein opa kann nicht mehr atmen",
        "meine freundin ist bewusstlos",
        "sie hat viele tabletten geschluckt",
        "ich glaube mein vater hat einen herzinfarkt",
        "ihr gesicht ist schief, schlaganfall?",
        "es riecht nach gas im ganzen haus",
        "brand in der küche",
        "das baby hat einen krampfanfall",
        "die wunde blutet sehr und hört nicht auf",
        "unser sohn ist nicht von der schule nach hause gekommen",
    ],
    "en": [
        "he hit me again last night",
        "my husband punched me",
        "i have suicidal thoughts",
        "i want to die",
        "i was raped",
        "he threatened to kill me",
        "he choked me",
        "a man is holding a knife",
        "my mum can't breathe",
        "my friend has collapsed on the street",
        "she took all my sleeping pills",
        "i think he is having a heart attack",
        "his face has dropped on one side and his speech is slurred",
        "my toddler drank bleach",
        "the baby is having a fit",
        "there is blood everywhere",
        "fire in our kitchen",
        "someone took my son from the playground",
    ],
    "fr": [
        "il m'a frappée ce soir",
        "mon mari m a giflée",
        "j'ai des idées suicidaires",
        "je veux mourir",
        "on m'a violée",
        "il a menacé de me tuer",
        "il m'a étranglée",
        "il a sorti un couteau",
        "mon bébé respire plus",
        "ma grand-mère s'est effondrée",
        "elle a avalé toute la boîte de médicaments",
        "je crois que c'est une crise cardiaque",
        "sa bouche est de travers",
        "il convulse",
        "ça sent le gaz dans l'immeuble",
        "il y a le feu dans la cuisine",
        "mon petit a disparu au parc",
    ],
    "tr": [
        "kocam beni dün yine dövdü",
        "intihar etmeyi düşünüyorum",
        "ölmek istiyorum",
        "tecavüze uğradım",
        "beni öldürmekle tehdit etti",
        "boğazımı sıktı",
        "elinde bıçak var",
        "babam nefes alamıyor",
        "annem bilincini kaybetti",
        "kızım bütün hapları içmiş",
        "babam kalp krizi geçiriyor",
        "annemin ağzı kaydı",
        "oğlum havale geçiriyor",
        "kanama durmuyor",
        "evde yangın çıktı",
        "cocugum kayboldu",
        "kendimi oldurecegim",
    ],
    "ru": [
        "муж меня избил",
        "он меня вчера опять ударил",
        "думаю о самоубийстве",
        "хочу умереть",
        "меня изнасиловали",
        "угрожает меня убить",
        "он душил меня",
        "у него нож в руке",
        "ребенок не дышит",
        "мама потеряла сознание",
        "он наглотался таблеток",
        "у папы инфаркт",
        "у бабушки инсульт",
        "у сына судороги начались",
        "кровь не останавливается",
        "у нас пожар",
        "пропал ребенок",
    ],
    "uk": [
        "чоловік мене побив",
        "він мене вдарив",
        "думаю про самогубство",
        "хочу померти",
        "мене зґвалтували",
        "погрожує мене вбити",
        "він мене душив",
        "у нього ніж у руці",
        "дитина не дихає",
        "мама втратила свідомість",
        "син наковтався таблеток",
        "у тата інфаркт",
        "у бабусі інсульт",
        "кров не зупиняється",
        "у нас пожежа",
        "зникла дитина",
        "не хочу більше жити",
    ],
    "ar": [
        "جوزي ضربني امبارح",
        "زوجي بيضربني",
        "بفكر بالانتحار",
        "بدي موت",
        "أريد أن أموت",
        "اغتصبني",
        "هددني بالقتل",
        "خنقني",
        "معه سكين",
        "ابني ما عم يتنفس",
        "امي فاقدة الوعي",
        "بلعت حبوب كتير",
        "ابوي جاته جلطة",
        "بنتي عم تتشنج",
        "في حريق بالبناية",
        "ابني ضايع",
        "ما بدي عيش",
    ],
    "fa": [
        "شوهرم منو زد",
        "کتکم زد",
        "به خودکشی فکر میکنم",
        "می‌خوام بمیرم",
        "بهم تجاوز کرد",
        "تهدید کرد منو میکشه",
        "گلومو گرفت",
        "چاقو دستشه",
        "بچه نفس نمیکشه",
        "مادرم بیهوش شده",
        "همه قرص‌ها رو خورده",
        "پدرم سکته قلبی کرده",
        "بچم تشنج کرده",
        "خونریزی شدید داره",
        "خونه آتیش گرفته",
        "بچم گم شده",
        "نمی خوام زنده باشم",
    ],
}


def test_every_language_has_its_families() -> None:
    assert set(FAMILIES) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in FAMILIES.items() for text in texts]
)
def test_the_families_of_danger_are_caught(lang: str, text: str) -> None:
    assert find_phrase(text, PHRASES) is not None, (lang, text)


# --- one false-alarm policy, the same in every language ----------------------------------------

LOOK_ALIKES: dict[str, list[str]] = {
    "de": [
        "ich will nicht mehr im heim leben",
        "ich will nicht mehr in diesem camp leben, wie finde ich eine wohnung",
        "ich habe einen brief für die anhörung bekommen",
        "ich will nicht, dass meine nachrichten gespeichert werden",
        "mein kind hat schnupfen und eine verstopfte nase",
        "der vermieter wirft mich raus",
        "die miete bringt mich um",
    ],
    "en": [
        "i don't want to live in this camp any more",
        "i got a letter for my asylum hearing",
        "i don't want my messages stored",
        "my child has a cold and a stuffy nose",
        "the landlord is kicking us out",
        "i'm dying to find a job",
        "the rent is killing me",
    ],
    "fr": [
        "je ne veux plus vivre dans ce foyer",
        "j'ai reçu une lettre pour mon audition",
        "je ne veux pas que mes messages soient enregistrés",
        "mon enfant a un rhume et le nez bouché",
        "le propriétaire va me jeter dehors",
        "je meurs d'envie de trouver un travail",
        "ce travail va me tuer",
    ],
    "tr": [
        "bu kampta artık yaşamak istemiyorum",
        "mülakat için mektup geldi",
        "mesajlarımın kaydedilmesini istemiyorum",
        "çocuğum nezle, burnu tıkalı",
        "ev sahibi bizi evden atacak",
        "iş bulmak için can atıyorum",
        "duman dedektörü ötüyor, yangın yok",
    ],
    "ru": [
        "не хочу больше жить в общежитии",
        "пришло письмо на интервью по убежищу",
        "не хочу, чтобы мои сообщения сохранялись",
        "у ребенка простуда, нос заложен",
        "хозяин грозит выселить нас",
        "умираю от скуки, хочу найти работу",
        "датчик дыма пищит, пожара нет",
    ],
    "uk": [
        "не хочу більше жити в гуртожитку",
        "не хочу жити в хаймі",
        "прийшов лист на інтервʼю щодо притулку",
        "не хочу, щоб мої повідомлення зберігались",
        "у дитини застуда, ніс закладений",
        "господар погрожує нас виселити",
        "датчик диму пищить, пожежі нема",
    ],
    "ar": [
        "ما بدي عيش بالكامب",
        "مش عايز أعيش في الهايم ده",
        "وصلتني رسالة لمقابلة اللجوء",
        "ما بدي تنحفظ رسايلي",
        "ابني مرشح وانفه مسكر",
        "صاحب البيت يهددني بالطرد",
        "رح اموت من الملل بدي شغل",
    ],
    "fa": [
        "نمی‌خوام دیگه تو کمپ زندگی کنم",
        "برای مصاحبه پناهندگی نامه اومده",
        "نمی‌خوام پیام‌هام ذخیره بشه",
        "بچم سرما خورده بینیش گرفته",
        "صاحبخونه میخواد بیرونم کنه",
        "از بیکاری میمیرم، کار میخوام",
        "از ترس سکته کردم وقتی نامه اومد",
    ],
}


def test_every_language_has_the_same_look_alikes() -> None:
    assert set(LOOK_ALIKES) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in LOOK_ALIKES.items() for text in texts]
)
def test_look_alikes_raise_no_alarm(lang: str, text: str) -> None:
    assert find_phrase(text, PHRASES) is None, (lang, text, find_phrase(text, PHRASES))


@pytest.mark.parametrize(
    "text",
    [
        "ich will nicht mehr im heim leben, mein mann schlägt mich",
        "не хочу жити в гуртожитку, він мене побив",
        "ما بدي عيش بالكامب، جوزي ضربني",
    ],
)
def test_a_look_alike_never_hides_a_danger_beside_it(text: str) -> None:
    assert find_phrase(text, PHRASES) is not None
