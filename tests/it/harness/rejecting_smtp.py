"""An aiosmtpd handler for the tests: a Maildir like aiosmtpd.handlers.Mailbox, except that
it answers RCPT TO for the listed addresses with a permanent refusal (550).

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c rejecting_smtp.Rejecting MAILDIR ADDRESS...
"""

from aiosmtpd.handlers import Mailbox


class Rejecting(Mailbox):
    def __init__(self, mail_dir, rejected):
        super().__init__(mail_dir)
        self.rejected = {a.lower() for a in rejected}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) < 1:
            parser.error("The directory for the maildir is required")
        return cls(args[0], args[1:])
