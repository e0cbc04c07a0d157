"""A web process and a task worker writing to one SQLite file at once (run as a subprocess).

python -m tests.config.sqlite_writers setup|web|worker COUNT, with DATABASE_URL naming the file
and the development settings, so the database options are the ones `make run` uses.
"""

import json
import sys

import django
from django.db import OperationalError, connection, transaction


def main(role: str, count: int) -> None:
    django.setup()
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    from tests.config.sqlite_tasks import record

    if role == "setup":
        with connection.schema_editor() as editor:
            editor.create_model(DBTaskResult)
        return
    if role == "worker":
        call_command(
            "db_worker", "--max-tasks", str(count), "--interval", "0.005", "--no-reload", "-v", "0"
        )
        return
    # The web process: each request reads, then writes and enqueues mail in one transaction,
    # as posting an answer does.
    lost = []
    for number in range(count):
        try:
            with transaction.atomic():
                DBTaskResult.objects.count()
                record.enqueue(number)
        except OperationalError as error:
            lost.append(str(error))
    sys.stdout.write(json.dumps({"lost": lost}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
