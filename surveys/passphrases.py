"""How strong a passphrase is, and a strong one to suggest: four random everyday words.

The school's private key is opened with a passphrase, so a stolen key file is as
safe as the passphrase is hard to guess. :func:`weakness` asks zxcvbn (Dropbox's
estimator, which knows common passwords, names, dates, keyboard runs and
substitutions) and insists on a score of at least :data:`MIN_SCORE` (about 10^8
guesses) with the school's own name and this project's words taken out first,
since a guesser tries those before anything else.

:func:`suggest` draws words from :data:`WORDS` (plain, everyday words a school
can read aloud) with :mod:`secrets`: four of 726 words is about 38 bits, and
every guess of the Argon2id-protected key costs the guesser about a second.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from zxcvbn import zxcvbn  # type: ignore[import-untyped]

__all__ = ["MIN_LENGTH", "MIN_SCORE", "SUGGESTED_WORDS", "WORDS", "suggest", "weakness"]

#: Fewest characters a passphrase may have.
MIN_LENGTH = 10
#: zxcvbn's score runs 0 to 4; 3 means about 10^8 guesses, 4 about 10^10.
MIN_SCORE = 3
#: How many random words :func:`suggest` puts together.
SUGGESTED_WORDS = 4
#: zxcvbn's own limit on what it scores (it is slow beyond).
_SCORED = 72
#: Words a guesser tries first against any school's key, whatever the school.
_OUR_WORDS = ("esafety", "e-safety", "kiosk", "online", "safety", "school", "password",
              "passphrase")  # fmt: skip

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
    words = sorted(_avoid_words(avoid), key=len, reverse=True)
    if len(passphrase) < MIN_LENGTH:
        return f"it is shorter than {MIN_LENGTH} characters"
    rest = passphrase
    for word in words:
        rest = re.sub(re.escape(word), " ", rest, flags=re.IGNORECASE)
    rest = " ".join(rest.split())
    for text in dict.fromkeys((passphrase, rest)):
        if len(text) < MIN_LENGTH:
            return (
                "once the school's name and words like “kiosk” or “passphrase” are taken out, "
                "too little is left"
            )
        result = zxcvbn(text[:_SCORED], user_inputs=words)
        if result["score"] < MIN_SCORE:
            warning = str(result["feedback"]["warning"] or "").rstrip(".")
            return warning[:1].lower() + warning[1:] if warning else "it is easy to guess"
    return None


def suggest(avoid: Iterable[str] = (), *, words: int = SUGGESTED_WORDS) -> str:
    """A fresh passphrase of ``words`` random everyday words, chosen with :mod:`secrets`."""
    while True:
        candidate = " ".join(secrets.choice(WORDS) for _ in range(words))
        if weakness(candidate, avoid) is None:
            return candidate


def _avoid_words(avoid: Iterable[str]) -> set[str]:
    """Each name whole, without spaces, and word by word (words of three letters or more)."""
    out = set(_OUR_WORDS)
    for name in avoid:
        parts = re.findall(r"[^\W_]+", name.lower())
        out.update(p for p in parts if len(p) >= 3)
        if parts:
            out.update({" ".join(parts), "".join(parts)})
    return out
