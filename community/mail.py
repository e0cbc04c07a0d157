"""Sending many e-mails over one connection, each exactly once even when the worker dies.

A task that e-mails a batch opens one connection (`MailBatch`) and, per message, claims the
notification in the database (sets `emailed_at`) and delivers the message in two steps:

1. `stage` hands the SMTP server everything but the end of the message: the envelope
   (MAIL FROM, RCPT TO), DATA and the whole text, without the final "<CRLF>.<CRLF>".
2. The caller commits its claim.
3. `complete` sends the final "." and reads the server's answer.

Why this order: an SMTP server delivers a message only once it has read the final dot
(RFC 5321, 4.1.1.4); a connection that drops before it leaves nothing behind. So a worker
killed before its claim committed sent nothing, and the re-run sends the message; a worker
killed after the commit has its claim stored, and the re-run skips it. The only way to lose a
mail is a kill in the few microseconds between the commit and writing five bytes to a socket
that is already open; no kill can ever make a duplicate. Claiming before an ordinary send
(the whole SMTP dialogue after the commit) would lose mail in a window a thousand times as
wide; sending before the claim would duplicate in it.

Other backends (locmem in tests, console, file) have no end-of-data marker: `stage` does
nothing and `complete` sends the whole message after the commit, so they never duplicate
either.
"""

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address
from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass
class StagedMessage:
    """A message whose text the server holds, waiting for its final dot (SMTP), or waiting
    to be sent whole (other backends)."""

    message: EmailMessage
    smtp_pending: bool = False


def _commit_without_flush_wait() -> None:
    """On PostgreSQL, let this transaction's commit return before its WAL is flushed to disk.

    A commit per message otherwise waits for one disk flush each (4 ms here: at most 250
    mails/s with nothing else done). The commit is still immediate for every other session,
    and survives the worker being killed; only a crash of the database server itself within
    a fraction of a second (wal_writer_delay) could forget a claim, and then that one
    message could go out a second time. That is the trade: a server crash is rare and
    visible, a worker restart is routine."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


class MailBatch:
    """One mail connection for a batch: `with MailBatch() as batch:` opens it once and closes
    it at the end, whatever happens in between."""

    def __init__(self) -> None:
        self.connection = get_connection()
        self.sent = 0

    def __enter__(self) -> "MailBatch":
        self._open()
        return self

    def _open(self) -> None:
        self.connection.open()
        smtp = self._smtp
        if smtp is not None and smtp.sock is not None:
            # The final dot is a small write right after the message: with Nagle's algorithm
            # it would wait for the server's delayed ACK (40 ms on Linux) before leaving.
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.connection.close()

    @property
    def _smtp(self) -> smtplib.SMTP | None:
        if isinstance(self.connection, SMTPBackend):
            return self.connection.connection
        return None

    def stage(self, message: EmailMessage) -> StagedMessage:
        """Step 1: give the server the whole message except its final dot. Raises when the
        server refuses the sender or the recipient (nothing is delivered then)."""
        smtp = self._smtp
        if smtp is None:
            return StagedMessage(message)
        encoding = message.encoding or "utf-8"
        sender = sanitize_address(message.from_email, encoding)
        recipients = [sanitize_address(address, encoding) for address in message.recipients()]
        # `wire_bytes`: the message encoded already (community.tasks.NotificationMails).
        data = getattr(message, "wire_bytes", None) or message.message().as_bytes(linesep="\r\n")
        try:
            smtp.ehlo_or_helo_if_needed()
            code, reply = smtp.mail(sender)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, sender)
            for recipient in recipients:
                code, reply = smtp.rcpt(recipient)
                if code not in (250, 251):
                    raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            smtp.putcmd("data")
            code, reply = smtp.getreply()
            if code != 354:
                raise smtplib.SMTPDataError(code, reply)
            quoted = smtplib._quote_periods(data)  # the same dot-stuffing smtplib.data does
            if not quoted.endswith(b"\r\n"):
                quoted += b"\r\n"
            smtp.send(quoted)
        except smtplib.SMTPResponseException:
            self._reset()
            raise
        return StagedMessage(message, smtp_pending=True)

    def complete(self, staged: StagedMessage) -> None:
        """Step 3, after the claim is committed: end the message (SMTP) or send it whole."""
        if not staged.smtp_pending:
            self.connection.send_messages([staged.message])
            self.sent += 1
            return
        smtp = self._smtp
        smtp.send(b".\r\n")
        code, reply = smtp.getreply()
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
        self.sent += 1

    def abort(self, staged: StagedMessage) -> None:
        """The claim was not committed: make the server drop the staged message.

        Dropping the connection is the one sure way (neither RSET nor QUIT is read as a
        command in the middle of DATA); the next message opens a new one."""
        smtp = self._smtp
        if staged.smtp_pending and smtp is not None:
            smtp.close()
            self.connection.connection = None
            self._open()

    def send_once(
        self,
        *,
        claim: Callable[[], EmailMessage | None],
        release: Callable[[], None],
    ) -> bool:
        """Send one message exactly once, in the order the module docstring explains: `claim()`
        writes the claim and returns the message to send (None: nothing to send), then stage,
        commit, complete. Returns whether it was sent.

        A recipient the server refuses is skipped (logged, left unclaimed). When the server
        refuses the finished message, `release()` undoes the claim so a re-run can retry it,
        and the error is raised; a connection lost after the final dot leaves the claim, as
        the message may have been delivered."""
        staged = None
        try:
            with transaction.atomic():
                _commit_without_flush_wait()
                message = claim()
                if message is None:
                    return False
                staged = self.stage(message)
        except smtplib.SMTPRecipientsRefused as error:
            # The codes only: an address in the log would be personal data kept elsewhere.
            codes = [code for code, _reply in error.recipients.values()]
            logger.warning("The mail server refused a recipient: %s", codes)
            return False
        except BaseException:
            if staged is not None:
                self.abort(staged)
            raise
        try:
            self.complete(staged)
        except smtplib.SMTPResponseException:
            release()
            raise
        return True

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except smtplib.SMTPException:
            self.connection.close()
            self._open()
