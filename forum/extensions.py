"""Extensions, created unbound; the app factory binds them."""

from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from forum.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
#: Compresses the stylesheets and scripts only (see Config.COMPRESS_MIMETYPES).
compress = Compress()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
