import sys

from seo import create_app
from seo.config import ConfigError

try:
    app = create_app()
except ConfigError as problem:  # a setting the app cannot start with: say which, no traceback
    sys.exit(f"error: {problem}")
