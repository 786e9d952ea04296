from tests.community.builders import *  # noqa: F403  (fixtures)
from tests.community.builders import _clean_cache, _fast_password_hashing  # noqa: F401
