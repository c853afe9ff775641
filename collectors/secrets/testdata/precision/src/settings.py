import os

DB_PASSWORD = os.getenv("DB_PASSWORD", "postgres")
DEBUG = os.environ.get("DEBUG", "false")
