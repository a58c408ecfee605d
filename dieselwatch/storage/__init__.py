"""Storage: SQLAlchemy models, engine set-up with migrations, and the columnar raw-sample store."""
