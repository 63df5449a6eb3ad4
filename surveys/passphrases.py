"""How strong a passphrase is, and a strong one to suggest: four random everyday words.

The school's private key is opened with a passphrase, so a stolen key file is as
safe as the passphrase is hard to guess. :func:`weakness` asks zxcvbn (Dropbox's
estimator, which knows common passwords, names, dates, keyboard runs and
substitutions) and refuses a passphrase unless:

- it has at least :data:`MIN_LENGTH` characters, and still has them once the
  school's own name and this project's words are taken out, since a guesser
  tries those before anything else. They are taken out in one pass over the
  passphrase as typed, longest first, whatever their case and whatever
  separators are typed inside them ("Online-Safety", "K.i.o.s.k",
  "oakfield_primary"), so that taking out one word never breaks up another;
- zxcvbn gives it the top score, :data:`MIN_SCORE` (4), both as typed and with
  its separators removed ("monkey dragon" is two top-20 passwords with a space
  between, which zxcvbn scores as two unrelated words; "monkeydragon" it knows),
  and both with and without the words above;
- it does not put a season or month next to a year ("Summer2026!", "2026 March"),
  the first thing a guesser tries after the top passwords.

Why score 4 rather than ``guesses >= 1e10``: the bar is the same (zxcvbn's
score bands end at 10^3, 10^6, 10^8 and 10^10 guesses, so score 4 is "about
10^10 or more"), but the score is zxcvbn's documented, stable result, the one
its warnings are written for and the one every port of it agrees on, where the
raw guess count is an estimate whose exact value moves with its dictionaries.
At about 0.4 s of one core per Argon2id guess (docs/privacy.md), 10^8 guesses
(score 3, the old bar, which let "monkey dragon" through) is about one
core-year, days on rented machines; 10^10 is over a hundred core-years.

:func:`suggest` draws words from :data:`WORDS` (plain, everyday words a school
can read aloud) with :mod:`secrets`: four of 726 words is about 38 bits, and
every guess of the Argon2id-protected key costs the guesser about a second.
Four random words score 4 (with or without spaces) all but about one time in
two thousand (a word drawn twice); :func:`suggest` draws again when they do not.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

__all__ = ["MIN_LENGTH", "MIN_SCORE", "SUGGESTED_WORDS", "WORDS", "suggest", "weakness"]

#: Fewest characters a passphrase may have (spaces count), with and without the
#: school's name and this project's words.
MIN_LENGTH = 10
#: zxcvbn's score runs 0 to 4; 4 means at least about 10^10 guesses.
MIN_SCORE = 4
#: How many random words :func:`suggest` puts together.
SUGGESTED_WORDS = 4
#: zxcvbn's own limit on what it scores (it is slow beyond).
_SCORED = 72
#: Words a guesser tries first against any school's key, whatever the school.
_OUR_WORDS = ("esafety", "e-safety", "kiosk", "online", "safety", "school", "password",
              "passphrase")  # fmt: skip
#: What may stand between the letters of a word: anything but a letter or a digit.
_SEPARATORS = r"[\W_]*"
#: Seasons and months, longest first so that "sept" is not read as "sep".
_MONTH = (
    "(?:september|december|february|november|january|october|august|autumn|spring|summer|"
    "winter|april|march|june|july|fall|sept|may|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov|dec)"
)
_YEAR = r"(?:19|20)?\d\d"  # 2026, or '26 / 26
#: A season or month next to a year, with nothing but separators between: "Summer2026",
#: "march '26", "2026-Winter". Not inside a longer word ("grammar 2026") or number.
_DATED = re.compile(
    rf"(?<![^\W\d_]){_MONTH}[\W_]*{_YEAR}(?!\d)|(?<!\d){_YEAR}[\W_]*{_MONTH}(?![^\W\d_])",
    re.IGNORECASE,
)

_WORDS_TEXT = """
able acorn actor adult advice agent album alert alley almond amber amble anchor angle
ankle answer apple apron arch arena armour arrow artist atlas attic autumn avocado award
axis badge bagel bake bakery balcony ballet bamboo banana band banjo barn barrel basket
bat beach beacon bead beak beam bean bear beaver bed bee beetle bell belt bench berry
bicycle billow birch bird biscuit blanket blossom blue board boat bonnet book boot
bottle boulder bounce bowl box bracelet branch brass brave bread breeze brick bridge
bright brook broom brush bubble bucket buckle budget bugle build bulb bunny burrow bus
butter button buzzer cabin cable cactus cake calendar calm camel camera camp canal
candle canoe canvas canyon cape captain caravan card carpet carrot carry cart castle
catch cattle cedar cellar cello cement cereal chain chair chalk channel chapel chart
chase cheese cherry chess chestnut chicken chimney chorus cider cinema circle circus
city clay clever cliff climb clock cloud clover coach coast coconut coffee coin comet
compass concert cookie copper coral cord corner cosy cotton count cousin cover cradle
crane crayon cream creek cricket crisp crown crystal cube cupboard curly curtain cushion
cycle daisy dance dancer daring dash dawn deck deer desert desk diamond diary dig dinner
dive dolphin domino donkey door dragon draw drawer dream dress drift drum duck dune dust
eager eagle early earth easel easy echo egg elbow elephant elm ember engine envelope
eraser evening fabric fair falcon fancy farm fast feather fence ferry festival fetch
fiddle field fig finch fire fish flag flame flask fleece float flower fluffy flute foam
fog fold forest fork fossil fountain fox frame fresh fridge friendly frog frost fruit
gadget galaxy garden garlic gate gather gazelle gem gentle giant ginger giraffe glacier
glad glass glide globe glove goat gold golden goose grand grape grass gravel green grow
guitar gull hammer hamster happy harbour harp hat hazel heart hedge helmet hen herb
heron hidden hike hill hive honest honey hook hop horizon horse hotel house hum humble
iceberg igloo island ivory ivy jacket jam jar jasmine jelly jigsaw jog jolly journey
judge juggle juice jump jumper jungle kayak kettle key kind kitchen kite kitten knee
knit knot koala ladder ladle lake lamb lamp lantern laptop large lark laugh lava lawn
leaf leap lemon lens letter lettuce library lift lighthouse lily lime linen lion lively
lizard llama lobster locket lodge lorry lotus lucky magnet mango map maple marble march
market meadow melon mend mermaid merry metal meteor mighty mirror mitten mix modern mole
monkey moon moose moss mountain mouse muffin mug museum mushroom music nap napkin narrow
neat nectar needle nest net nimble noble noodle north notebook nut oak oar oasis ocean
octopus odd office olive onion orange orbit orchard organ otter oven owl paddle page
paint palace palm pancake panda paper parcel parrot pasta path peach peanut pear pebble
pelican pen pencil penguin pepper piano picnic pillow pilot pine pirate pizza plain
planet plant play plum pocket poem polish polite pond pony poppy porch potato pottery
proud puddle pumpkin puppet puzzle quail quarry queen quick quiet quilt quiver rabbit
raccoon race radio raft rain rainbow raisin ramp rapid rare raven read ready reed ribbon
rice rich ride river road roam robin rocket roof rope rose rosy round row royal ruby rug
ruler run rusty saddle safe sail salad salmon sand sandal satchel saucer scarf scatter
scooter seal seed sew shadow shed shelf shell shine shiny ship shoe shovel silent silver
simple sing skate skip sky sledge sleepy slide slipper slow smart smile smooth snail
snow snowy soap sock sofa soft solid sort spade spare speedy spicy spider spin splash
sponge spoon spring sprint squirrel stable stack stage stair star statue steady stir
stone stool storm straw stream street stroll sturdy sugar summer sun sunny super swan
sweater swift swim swing table tablet tail tall tame tea teapot tent thimble thistle
thunder ticket tidy tiger tile timber tiny toast tomato tortoise toss tough towel tower
tractor train travel tree trek trolley tropical trumpet tulip tumble tunnel turnip
turtle twirl umbrella uniform valley van vase velvet village violin volcano wagon wall
walnut walrus wand wander wardrobe warm wash water wave wavy wax whale wheat wheel
whisper whistle wide wiggle wild willow window windy winter wise witty wolf wood wool
woolly write yacht yak yard yarn yawn yogurt young zebra zero zesty zigzag zip
"""
WORDS: tuple[str, ...] = tuple(_WORDS_TEXT.split())


def weakness(passphrase: str, avoid: Iterable[str] = ()) -> str | None:
    """Why ``passphrase`` is too easy to guess, or None if it holds.

    Args:
        avoid: names a guesser would try first (the school's name, its town):
            the passphrase must hold with them taken out.
    """
    if len(passphrase) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    words = sorted(_avoid_words(avoid), key=lambda w: (-len(w), w))
    rest = " ".join(_strip(passphrase, words).split())
    if len(rest) < MIN_LENGTH:
        return (
            "once the school's name and words like “kiosk” or “passphrase” are taken out, "
            "too little is left"
        )
    texts = dict.fromkeys((passphrase, rest, _joined(passphrase), _joined(rest)))
    if any(_DATED.search(text) for text in texts):
        return "a season or month next to a year is one of the first things a guesser tries"
    for text in texts:
        result = zxcvbn(text[:_SCORED], user_inputs=words)
        if result["score"] < MIN_SCORE:
            warning = str(result["feedback"]["warning"] or "").rstrip(".")
            if warning:
                return warning[:1].lower() + warning[1:]
            return "a guesser's program would find it in fewer than about 10^10 tries"
    return None


def suggest(avoid: Iterable[str] = (), *, words: int = SUGGESTED_WORDS) -> str:
    """A fresh passphrase of ``words`` random everyday words, chosen with :mod:`secrets`."""
    avoid = list(avoid)
    while True:
        candidate = " ".join(secrets.choice(WORDS) for _ in range(words))
        if weakness(candidate, avoid) is None:
            return candidate


def _strip(text: str, words: Iterable[str]) -> str:
    """``text`` with each of ``words`` replaced by a space, in one pass over ``text``.

    One pass, so that taking out one word cannot break up another ("e-safety"
    inside "Online-Safety"); ``words`` come longest first, so the longest match
    at a place wins; any case, and any separators between the letters.
    """
    patterns = [_SEPARATORS.join(map(re.escape, w)) for w in words if w]
    if not patterns:
        return text
    return re.sub("|".join(patterns), " ", text, flags=re.IGNORECASE)


def _joined(text: str) -> str:
    """``text`` without its separators: "monkey dragon" as a guesser also tries it."""
    return re.sub(r"[\W_]+", "", text)


def _avoid_words(avoid: Iterable[str]) -> set[str]:
    """Each name whole and word by word (words of three letters or more), without separators."""
    out = {re.sub(r"[\W_]+", "", w) for w in _OUR_WORDS}
    for name in avoid:
        parts = re.findall(r"[^\W_]+", name.lower())
        out.update(p for p in parts if len(p) >= 3)
        if parts:
            out.add("".join(parts))
    return out
