"""aiosmtpd handler for scripts/bench-mail.sh: keeps nothing (like aiosmtpd.handlers.Sink),
counts mails, recipients and connections, and rewrites STATUS_FILE a moment after the
latest mail (the times in it are those of the mails, not of the writing):

    mails FIRST_EPOCH LAST_EPOCH CONNECTIONS RECIPIENTS LEAST_PER_RECIPIENT MOST_PER_RECIPIENT

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c bench_mail_sink.Counter STATUS_FILE
"""

import asyncio
import os
import time


class Counter:
    def __init__(self, status):
        self.status = status
        self.mails = 0
        self.first = None
        self.connections = 0
        self.per_recipient = {}
        self.last = None
        self.pending = False

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        self.connections += 1
        return responses

    async def handle_DATA(self, server, session, envelope):
        now = time.time()
        self.first = self.first or now
        self.mails += 1
        self.last = now
        for to in envelope.rcpt_tos:
            self.per_recipient[to.lower()] = self.per_recipient.get(to.lower(), 0) + 1
        if not self.pending:
            self.pending = True
            asyncio.get_running_loop().call_later(0.2, self.write)
        return "250 OK"

    def write(self):
        self.pending = False
        counts = self.per_recipient.values()
        line = "%d %.3f %.3f %d %d %d %d\n" % (
            self.mails, self.first, self.last, self.connections,
            len(self.per_recipient), min(counts), max(counts),
        )
        tmp = self.status + ".tmp"
        with open(tmp, "w") as f:
            f.write(line)
        os.replace(tmp, self.status)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("usage: bench_mail_sink.Counter STATUS_FILE")
        return cls(args[0])
