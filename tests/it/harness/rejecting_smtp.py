"""An aiosmtpd handler for the tests: a Maildir like aiosmtpd.handlers.Mailbox that also
writes one line per connection (its EHLO) to connections.log beside the Maildir, and
follows a script given after the Maildir:

    ADDRESS       RCPT TO ADDRESS is refused for good:
                  550 5.1.1 <ADDRESS>: Recipient address rejected: User unknown
    ADDRESS=450   the first RCPT TO ADDRESS is refused for now (450 4.2.1 ... busy);
                  later ones are accepted
    421@K         the first K MAIL FROMs are accepted; every later one is answered
                  421 4.3.2 and its connection closed (until the server is restarted)

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c rejecting_smtp.Rejecting MAILDIR SCRIPT...
"""

import asyncio
import os

from aiosmtpd.handlers import Mailbox


class Rejecting(Mailbox):
    def __init__(self, mail_dir, script):
        super().__init__(mail_dir)
        self.rejected = set()
        self.busy = set()
        self.close_after = None
        for entry in script:
            if entry.startswith("421@"):
                self.close_after = int(entry[4:])
            elif entry.endswith("=450"):
                self.busy.add(entry[: -len("=450")].lower())
            else:
                self.rejected.add(entry.lower())
        self.started = 0
        parent = os.path.dirname(os.path.abspath(mail_dir))
        self.connections = os.path.join(parent, "connections.log")

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # With this hook aiosmtpd leaves recording the EHLO name to the handler.
        session.host_name = hostname
        with open(self.connections, "a") as log:
            log.write("%s\n" % (session.peer,))
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.close_after is not None and self.started >= self.close_after:
            # Closed once the reply is out: the transport flushes before it closes.
            asyncio.get_running_loop().call_soon(server.transport.close)
            return "421 4.3.2 Service shutting down, try again later"
        self.started += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.rejected:
            return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
        if address.lower() in self.busy:
            self.busy.discard(address.lower())
            return "450 4.2.1 <%s>: Mailbox busy, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) < 1:
            parser.error("The directory for the maildir is required")
        return cls(args[0], args[1:])
