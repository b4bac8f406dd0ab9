"""Scenes in the emergency net (lotse/safety_scenes.py, data/safety/scenes_<lang>.txt): dangers
told as two or three things close together, in all eight languages, and the everyday sentences
that share their words and must stay silent (issue 16, third part).

The sentences here were written for these tests, as scenes a frightened person types — not
copied from the NLU data."""

from __future__ import annotations

from pathlib import Path

import pytest

from lotse import LANGUAGES
from lotse.safety import find_match, find_phrase, load_phrases
from lotse.safety_scenes import WINDOW, SceneSyntaxError, read_scenes, scene_holds
from lotse.safety_words import message_forms, words_of

PHRASES = load_phrases()


# --- the rule and its file ---------------------------------------------------------------------


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_groups_expand_and_nest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "scenes_en.txt",
        "# a comment\n@kid: son | daughter\n@who: @kid | grandma\n@who + missing | nowhere\n",
    )
    (scene,) = read_scenes(path, "en")
    assert scene.parts == (("son", "daughter", "grandma"), ("missing", "nowhere"))
    assert scene.language == "en"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("@a + missing\n", "unknown group @a"),
        ("@a: x + y\n", "not +"),
        ("son | daughter\n", "two parts or more"),
        ("son + | missing\n", "empty alternative"),
    ],
)
def test_a_bad_scene_line_names_its_file_and_line(tmp_path: Path, text: str, error: str) -> None:
    path = write(tmp_path, "scenes_en.txt", "# first\n" + text)
    with pytest.raises(SceneSyntaxError, match=f"scenes_en.txt:2: .*{error}"):
        read_scenes(path, "en")


def test_parts_must_be_close_and_must_not_overlap() -> None:
    assert scene_holds([[(0, 1)], [(3, 5)]]) == (0, 5)
    assert scene_holds([[(0, 1)], [(WINDOW, WINDOW + 1)]]) is None  # too far apart
    assert scene_holds([[(0, 2)], [(1, 3)]]) is None  # one word cannot be two parts
    assert scene_holds([[(0, 1)], []]) is None
    assert scene_holds([[(0, 1), (20, 21)], [(18, 19)]]) == (18, 21)  # any occurrence counts


def test_a_scene_fires_only_with_all_its_parts(tmp_path: Path) -> None:
    write(tmp_path, "emergency_en.txt", "# none\n")
    write(tmp_path, "scenes_en.txt", "@kid: son | daughter\n@kid + missing | nowhere\n")
    net = load_phrases(tmp_path)
    match = find_match("my son is missing since noon", net)
    assert match is not None and match.language == "en"
    assert match.phrase == ("@kid", "+", "missing", "|", "nowhere")
    assert find_phrase("my son needs a school", net) is None
    assert find_phrase("the letter is missing", net) is None
    far = "my son " + "and then " * WINDOW + "the keys are missing"
    assert find_phrase(far, net) is None


def test_a_look_alike_blanks_a_scene_part(tmp_path: Path) -> None:
    write(tmp_path, "emergency_en.txt", "# none\n")
    write(tmp_path, "scenes_en.txt", "blood + a lot | heavy\n")
    write(tmp_path, "look_alike_en.txt", "blood test\n")
    net = load_phrases(tmp_path)
    assert find_phrase("he loses a lot of blood", net) is not None
    assert find_phrase("blood test, do they take a lot", net) is None


def test_phrases_come_before_scenes() -> None:
    match = find_match("i want to die, my son is missing", PHRASES)
    assert match is not None and "+" not in match.phrase


def test_every_language_has_a_scenes_file() -> None:
    directory = Path(__file__).resolve().parents[2] / "data" / "safety"
    for lang in LANGUAGES:
        assert read_scenes(directory / f"scenes_{lang}.txt", lang), lang


@pytest.mark.parametrize("text", ["وما عم يتنفس", "ولا تتحرك"])
def test_arabic_and_before_a_two_letter_word(text: str) -> None:
    """وما / ولا ("and not") were never stripped to ما / لا: three letters had to remain."""
    assert words_of(text)[0][1:] in message_forms(words_of(text))[0]


# --- scenes as people tell them, in every language ---------------------------------------------

SCENES: dict[str, list[str]] = {
    "de": [
        "er hält mir ein messer an den hals",
        "sie ist hingefallen und wacht nicht mehr auf",
        "mein sohn hat die blaue flüssigkeit unter der spüle getrunken",
        "die küche brennt!!",
        "opa liegt im bad auf dem boden und antwortet nicht",
        "mama ihr gesicht hängt auf einer seite und sie kann den arm nicht heben",
        "meine kleine ist seit einer stunde weg, wir finden sie nirgends",
        "der kleine steht allein auf dem balkon und die tür ist zugefallen",
        "mein mann hat mir den hals zugedrückt ich krieg kaum luft",
        "ein typ läuft seit der ubahn hinter mir her ich hab angst",
        "kind hat fieber 40 und zuckt, die augen sind verdreht",
        "papa hat druck auf der brust und schwitzt kalt",
        "mein freund hat die ganze packung schlaftabletten genommen",
        "ich halte das nicht mehr aus, ich steh auf der brücke und will springen",
        "hat mir was ins getränk getan, bin aufgewacht und war ausgezogen",
        "es kommt rauch unter der tür vom nachbarn raus",
        "er blutet stark am kopf und es hört nicht auf",
        "mein ex tritt gerade die tür ein und schreit er bringt mich um",
    ],
    "en": [
        "he has a knife at my throat",
        "she fell and does not wake up",
        "my son drank the blue liquid under the sink",
        "the kitchen is burning",
        "grandpa is lying on the floor and not answering",
        "mum's face is drooping and she can't lift her arm",
        "my daughter is gone from the playground, we looked everywhere",
        "my toddler is locked out on the balcony, door shut, he is crying",
        "he squeezed my neck until i couldnt breathe",
        "a guy has been following me since the station i'm scared",
        "my baby is shaking and his eyes rolled back",
        "dad has chest pain going into his left arm and cold sweat",
        "my friend took a whole box of sleeping pills with vodka",
        "i can't go on, i'm on the bridge and i will jump",
        "someone put something in my drink and i woke up with no clothes",
        "smoke coming from under the neighbours door",
        "he is bleeding from his head and it won't stop",
        "my ex is kicking the door in and shouting he will kill me",
    ],
    "fr": [
        "il a un couteau sous ma gorge",
        "elle est tombee et elle se reveille pas",
        "mon fils a bu le liquide bleu sous l evier",
        "la cuisine brule!!",
        "papi est par terre il repond plus",
        "maman a la bouche de travers et elle peut plus lever le bras",
        "ma fille a disparu du parc on la cherche partout",
        "le petit est enferme sur le balcon la porte a claque il pleure",
        "il ma serre le cou jusqu a ce que je respire plus",
        "un mec me suit depuis le metro jai peur",
        "mon bebe tremble et ses yeux partent en l air, il a 40 de fievre",
        "mon pere a une douleur dans la poitrine qui va dans le bras gauche",
        "mon ami a avale toute la plaquette de somniferes avec de l alcool",
        "jen peux plus je suis sur le pont je vais sauter",
        "quelqu un a mis un truc dans mon verre et je me suis reveillee deshabillee",
        "de la fumee sort de sous la porte du voisin",
        "il saigne de la tete et ca s arrete pas",
        "mon ex defonce la porte et crie qu il va me tuer",
    ],
    "tr": [
        "boğazıma bıçak dayadı",
        "annem düştü uyanmıyor",
        "oğlum lavabonun altındaki mavi sıvıyı içti",
        "mutfak yaniyor",
        "dedem yerde yatiyor cevap vermiyor",
        "annemin yüzü kaydı kolunu kaldıramıyor",
        "kizim parkta kayboldu her yeri aradik",
        "cocuk balkonda kaldi kapi kilitli agliyor",
        "kocam boğazımı sıktı nefes alamadım",
        "bir adam metrodan beri peşimde çok korkuyorum",
        "bebeğim titriyor gözleri yukarı kaydı",
        "babamın göğsü ağrıyor sol koluna vuruyor soğuk ter döküyor",
        "arkadaşım bütün uyku haplarını içkiyle içti",
        "artık dayanamıyorum köprüdeyim atlayacağım",
        "içkime bir şey kattılar uyandığımda üstüm yoktu",
        "komşunun kapısının altından duman geliyor",
        "kafasından çok kan geliyor durmuyor",
        "eski kocam kapıyı kırmaya çalışıyor seni öldüreceğim diye bağırıyor",
    ],
    "ru": [
        "он приставил нож к горлу",
        "она упала и не приходит в себя",
        "сын выпил синюю жидкость из-под раковины",
        "кухня горит",
        "дедушка лежит на полу и не отвечает",
        "у мамы лицо перекосило и рука не поднимается",
        "дочка пропала с площадки, везде искали",
        "малой остался на балконе, дверь захлопнулась, плачет",
        "муж сдавил мне горло я не могла дышать",
        "какой-то мужик идет за мной от метро мне страшно",
        "у малыша температура 40 трясется и глаза закатил",
        "у папы давит в груди и отдает в левую руку холодный пот",
        "подруга выпила всю пачку снотворного с водкой",
        "не могу больше стою на мосту сейчас прыгну",
        "мне что-то подсыпали в стакан проснулась раздетая",
        "из-под двери соседей идет дым",
        "у него сильно течет кровь из головы не останавливается",
        "бывший ломает дверь и кричит что убьет меня",
    ],
    "uk": [
        "він приставив ніж до горла",
        "вона впала і не приходить до тями",
        "син випив синю рідину з-під раковини",
        "кухня горить",
        "дідусь лежить на підлозі і не відповідає",
        "у мами перекосило обличчя і рука не піднімається",
        "донька зникла з площадки, шукаємо всюди",
        "малий залишився на балконі, двері захлопнулись, плаче",
        "чоловік стиснув мені горло я не могла дихати",
        "якийсь мужик іде за мною від метро мені страшно",
        "у малого температура 40 трясеться і очі закотились",
        "у тата тисне в грудях і віддає в ліву руку холодний піт",
        "подруга випила всю пачку снодійного з горілкою",
        "не можу більше стою на мосту зараз стрибну",
        "мені щось підсипали в стакан прокинулась роздягнена",
        "з-під дверей сусідів іде дим",
        "в нього сильно тече кров з голови не зупиняється",
        "колишній ламає двері і кричить що вбʼє мене",
    ],
    "ar": [
        "حاطط السكين على رقبتي",
        "وقعت وما عم تصحى",
        "ابني شرب السائل الازرق اللي تحت المجلى",
        "المطبخ عم يحترق",
        "جدي طايح بالارض وما عم يرد",
        "امي وجهها مال وما تقدر ترفع ايدها",
        "بنتي ضاعت بالحديقة ودورنا عليها بكل مكان",
        "الصغير علق عالبلكون والباب انقفل وعم يبكي",
        "جوزي مسكني من رقبتي وما قدرت اتنفس",
        "في واحد ماشي ورايا من المحطة وانا خايفة",
        "ابني حرارته ٤٠ وعم يرجف وعيونه طالعة لفوق",
        "ابوي صدره عم يوجعه والوجع نازل على ايده الشمال وعرقان",
        "صاحبتي بلعت علبة حبوب منوم كاملة مع الخمر",
        "ما عاد فيني كمل انا واقفة عالجسر رح ارمي حالي",
        "حطوا شي بكاسي وصحيت ما بتذكر شي",
        "في دخان طالع من تحت باب الجيران",
        "الدم عم يطلع من راسه كتير وما عم يوقف",
        "طليقي عم يكسر الباب ويصيح رح يقتلني",
        "ibni shereb klor w 3am yistafreg",
        "mama we2e3et w ma 3am trod",
    ],
    "fa": [
        "چاقو رو گذاشته رو گلوم",
        "افتاد زمین و بیدار نمیشه",
        "پسرم مایع آبی زیر سینک رو خورد",
        "آشپزخونه آتیش گرفته",
        "پدربزرگم کف اتاق افتاده جواب نمیده",
        "صورت مادرم یه طرفش افتاده و دستشو نمیتونه بالا ببره",
        "دخترم تو پارک گم شده همه جا رو گشتیم",
        "بچه تو بالکن مونده در قفل شده گریه میکنه",
        "شوهرم گلومو فشار داد نفسم بند اومد",
        "یه مرد از مترو دنبالم میاد میترسم",
        "بچم تب ۴۰ داره میلرزه چشماش برگشته",
        "بابام سینش درد میکنه تا دست چپش میره عرق سرد کرده",
        "دوستم یه بسته کامل قرص خواب با مشروب خورده",
        "دیگه نمیکشم رو پلم میخوام بپرم",
        "یه چیزی ریختن تو لیوانم بیدار شدم یادم نمیاد",
        "از زیر در همسایه دود میاد",
        "از سرش خیلی خون میاد بند نمیاد",
        "شوهر سابقم داره درو میشکنه داد میزنه میکشمت",
        "bacham vaitex khorde estefragh mikone",
        "madaram oftade javab nemide",
    ],
}


def test_every_language_has_its_scenes() -> None:
    assert set(SCENES) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in SCENES.items() for text in texts]
)
def test_scenes_of_danger_are_caught(lang: str, text: str) -> None:
    assert find_phrase(text, PHRASES) is not None, (lang, text)


# --- and the everyday sentences that share their words -----------------------------------------

LOOK_ALIKES: dict[str, list[str]] = {
    "de": [
        "ich finde keine kita für meinen sohn",
        "das jobcenter antwortet nicht auf meine mails",
        "das baby hat aus der flasche getrunken und spuckt ein bisschen",
        "ich nehme tabletten gegen kopfschmerzen, welcher arzt?",
        "bluttest beim hausarzt, wie viel blut nehmen die ab",
        "ich arbeite in der küche, darf ich mit einem messer schneiden lernen",
        "mein sohn hatte vor zwei jahren einen krampfanfall, welcher neurologe",
        "der rauchmelder piept, es brennt nichts",
        "mein kind hat fieber und schüttelfrost",
        "ich will nicht mehr im heim leben",
        "mein sohn ist seit 2 jahren in der schule, kann er wechseln",
        "der weg zur schule ist für mein kind zu weit",
    ],
    "en": [
        "i can't find a school for my son",
        "the office is not answering my emails",
        "the baby drank from the bottle and spat a little",
        "i take pills for my headache, which doctor",
        "blood test at the doctor, do i need an appointment",
        "i work in a kitchen, knife skills course?",
        "my son had a seizure two years ago, need a neurologist",
        "the smoke alarm is beeping, no fire",
        "my child has a fever and chills",
        "i don't want to live in this camp any more",
        "can someone follow me to the jobcenter appointment",
        "the rent is killing me",
    ],
    "fr": [
        "je trouve pas de creche pour ma fille",
        "la caf repond pas a mes mails",
        "le bebe a bu son biberon et il a un peu vomi",
        "je prends des cachets pour la tete, quel medecin",
        "prise de sang chez le medecin, il faut un rdv",
        "je travaille en cuisine avec un couteau",
        "mon fils a fait une crise il y a deux ans, quel neurologue",
        "le detecteur de fumee sonne, pas de feu",
        "mon enfant a de la fievre et des frissons",
        "je ne veux plus vivre dans ce foyer",
        "ca me tue a petit feu ce foyer",
        "ce travail va me tuer",
    ],
    "tr": [
        "oğluma okul bulamıyorum",
        "jobcenter cevap vermiyor",
        "bebek biberondan süt içti biraz kustu",
        "baş ağrısı için ilaç alıyorum hangi doktor",
        "kan tahlili için randevu lazım",
        "mutfakta çalışıyorum bıçak kursu var mı",
        "oğlum iki yıl önce nöbet geçirdi nöroloğa gitmesi lazım",
        "duman dedektörü ötüyor yangın yok",
        "çocuğum ateşli titriyor üşüyor",
        "bu kampta artık yaşamak istemiyorum",
        "oğlumun pasaportu kayboldu ne yapmalıyım",
        "kızım okulda yok bugün hasta",
    ],
    "ru": [
        "не могу найти садик для сына",
        "джобцентр не отвечает на письма",
        "малыш выпил молоко из бутылочки и срыгнул",
        "пью таблетки от головы, к какому врачу",
        "анализ крови где сдать",
        "работаю на кухне, нужен курс ножей",
        "у сына был приступ судорог два года назад, нужен невролог",
        "датчик дыма пищит, пожара нет",
        "у ребенка температура и озноб",
        "не хочу больше жить в общежитии",
        "жить не хочу в этом хайме, помогите с квартирой",
        "ищем квартиру для семьи с ребенком",
    ],
    "uk": [
        "не можу знайти садочок для сина",
        "джобцентр не відповідає на листи",
        "малий випив молоко з пляшечки і трохи зригнув",
        "п'ю таблетки від голови, до якого лікаря",
        "аналіз крові де здати",
        "працюю на кухні, потрібен курс ножів",
        "у сина був судомний напад два роки тому, потрібен невролог",
        "датчик диму пищить, пожежі нема",
        "у дитини температура і озноб",
        "не хочу більше жити в гуртожитку",
        "ne hochu bilshe zhyty v heimi",
        "шукаємо квартиру для сімʼї з дитиною",
    ],
    "ar": [
        "ما لقيت روضة لابني",
        "الجوب سنتر ما عم يرد على رسايلي",
        "البيبي شرب حليب من القنينة ورجع شوي",
        "باخد حبوب للراس، اي دكتور",
        "تحليل دم وين بعمله",
        "بشتغل بمطبخ، في كورس سكاكين",
        "ابني صار معه نوبة من سنتين، بدنا دكتور اعصاب",
        "جهاز الدخان عم يزمر وما في حريق",
        "ابني سخن وبردان",
        "ما بدي عيش بالكامب",
        "قلبي وقع لما وصلتني رسالة البامف",
        "ابني ما رجعله الكاوتسيون",
    ],
    "fa": [
        "برای پسرم مهدکودک پیدا نمیکنم",
        "جاب سنتر جواب ایمیلامو نمیده",
        "بچه از شیشه شیر خورد یه کم بالا آورد",
        "برای سردرد قرص میخورم کدوم دکتر",
        "آزمایش خون کجا بدم",
        "تو آشپزخونه کار میکنم دوره چاقو هست",
        "پسرم دو سال پیش تشنج کرد دکتر مغز و اعصاب میخوام",
        "دتکتور دود بوق میزنه آتیش نیست",
        "بچم تب و لرز داره",
        "نمی\u200cخوام دیگه تو کمپ زندگی کنم",
        "دخترم تو مکتب جا نیست",
        "قرصام تموم شده نسخه میخوام",
    ],
}


def test_every_language_has_its_everyday_sentences() -> None:
    assert set(LOOK_ALIKES) == set(LANGUAGES)


@pytest.mark.parametrize(
    ("lang", "text"), [(lang, text) for lang, texts in LOOK_ALIKES.items() for text in texts]
)
def test_everyday_sentences_raise_no_alarm(lang: str, text: str) -> None:
    assert find_phrase(text, PHRASES) is None, (lang, text, find_phrase(text, PHRASES))
