"""Names and stream layout of one node on NATS, derived from its settings.

Each node owns a stream `<P>_<token>` and consumes it through one durable consumer filtered
`<p>.<token>.>` (what is addressed to it). In one JetStream domain that stream captures `<p>.<token>.>`
directly. With separate domains (production leaf nodes) it holds what the node sends (`<p>.*.<token>.>`)
and sources from each neighbour's domain, through `$JS.<domain>.API`, what is addressed to it. (Mutual
sourcing inside one domain is refused as a cycle by nats-server 2.9, hence the two layouts.)
"""

from __future__ import annotations

from dataclasses import dataclass

from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DeliverPolicy,
    ExternalStream,
    StorageType,
    StreamConfig,
    StreamSource,
)

from gateways.config import Settings
from gateways.reference import child_offices
from services.integration import subject_token

DUPLICATE_WINDOW_S = 120.0  # JetStream's default; receivers' tracking covers anything older
CONSUMER_BATCH = 256  # messages applied in one transaction at most (a drain after an outage fills it)


@dataclass(frozen=True)
class Topology:
    prefix: str
    node: str
    neighbours: tuple[str, ...]
    separate_domains: bool
    children: tuple[str, ...] = ()
    is_centre: bool = False
    nkey_seed_file: str = ""  # how this node logs in to its NATS server ("": no login, an open server)

    @property
    def token(self) -> str:
        return subject_token(self.node)

    def stream_of(self, node: str) -> str:
        return f"{self.prefix.upper()}_{subject_token(node)}"

    @property
    def stream(self) -> str:
        return self.stream_of(self.node)

    @property
    def dead_letter_stream(self) -> str:
        return f"{self.prefix.upper()}_DLQ_{self.token}"

    @property
    def dead_letter_subject(self) -> str:
        return f"{self.prefix}.dlq.{self.token}"

    @property
    def inbound_filter(self) -> str:
        return f"{self.prefix}.{self.token}.>"

    @property
    def durable(self) -> str:
        return f"{self.prefix.upper()}_{self.token}_in"

    @property
    def inbox_prefix(self) -> str:
        """Replies to this node (JetStream acknowledgements, pulled messages) come on inboxes of its own, so a
        server shared by several offices can let each read only its own."""
        return f"_INBOX.{self.token}"

    def stream_config(self) -> StreamConfig:
        if not self.separate_domains:
            # One JetStream domain (development, CI, a province hosting its regencies): a message lands
            # straight in the addressee's stream; until that stream exists the relay keeps retrying.
            return StreamConfig(name=self.stream, subjects=[self.inbound_filter], storage=StorageType.FILE,
                                duplicate_window=DUPLICATE_WINDOW_S, allow_direct=True)
        # Separate domains (production leaf nodes): keep what this office sends in its own domain, so it is
        # stored even with the link down, and source what is addressed to it from each neighbour's domain.
        sources = [
            StreamSource(
                name=self.stream_of(n),
                filter_subject=f"{self.prefix}.{self.token}.{subject_token(n)}.>",
                # A deliver prefix the office may use: an empty one sends on $JS.S.… and sources nothing.
                external=ExternalStream(api=f"$JS.{subject_token(n)}.API",
                                        deliver=f"{self.prefix}src.{subject_token(n)}.{self.token}"),
            )
            for n in self.neighbours
        ]
        return StreamConfig(
            name=self.stream,
            subjects=[f"{self.prefix}.*.{self.token}.>"],
            sources=sources or None,
            storage=StorageType.FILE,
            duplicate_window=DUPLICATE_WINDOW_S,
            allow_direct=True,
        )

    def dead_letter_config(self) -> StreamConfig:
        return StreamConfig(name=self.dead_letter_stream, subjects=[self.dead_letter_subject],
                            storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW_S)

    def consumer_config(self) -> ConsumerConfig:
        # One batch at a time, in stream order (each sender is tracked by a single increasing position): the
        # consumer fetches up to max_ack_pending and acknowledges them all before it fetches again.
        return ConsumerConfig(
            durable_name=self.durable,
            filter_subject=self.inbound_filter,
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=CONSUMER_BATCH,
            ack_wait=10.0,  # an unacknowledged message (its consumer died) comes again after this
        )


    # The audit chains: every office publishes its sealed entries; only the centre consumes them.

    @property
    def audit_subject(self) -> str:
        return f"{self.prefix}.audit.{self.token}"

    @property
    def audit_stream(self) -> str:
        shared = f"{self.prefix.upper()}_AUDIT"
        return f"{shared}_{self.token}" if self.separate_domains else shared

    @property
    def audit_durable(self) -> str:
        return f"{self.prefix.upper()}_AUDIT_{self.token}_in"

    def audit_stream_config(self) -> StreamConfig:
        if not self.separate_domains:
            # One domain: a single stream holds every office's entries, read by the centre.
            return StreamConfig(name=self.audit_stream, subjects=[f"{self.prefix}.audit.>"], storage=StorageType.FILE,
                                duplicate_window=DUPLICATE_WINDOW_S)
        # Separate domains: an office keeps its own entries, and sources its children's streams, so the
        # centre's stream ends up holding every office's chain, each stored first where it was sealed.
        sources = [
            StreamSource(
                name=f"{self.prefix.upper()}_AUDIT_{subject_token(c)}",
                external=ExternalStream(api=f"$JS.{subject_token(c)}.API",
                                        deliver=f"{self.prefix}src.{subject_token(c)}.{self.token}.audit"),
            )
            for c in self.children
        ]
        return StreamConfig(name=self.audit_stream, subjects=[self.audit_subject], sources=sources or None,
                            storage=StorageType.FILE, duplicate_window=DUPLICATE_WINDOW_S)

    def audit_consumer_config(self) -> ConsumerConfig:
        return ConsumerConfig(
            durable_name=self.audit_durable,
            filter_subject=f"{self.prefix}.audit.>",
            ack_policy=AckPolicy.EXPLICIT,
            deliver_policy=DeliverPolicy.ALL,
            max_ack_pending=1,
            ack_wait=10.0,
        )


    def shared_server_permissions(self) -> dict[str, dict[str, list[str]]]:
        """What this office's user may do on a NATS server it shares with other offices in one JetStream domain
        (`helpdesk local`): the subjects of deploy/nats's `helpdesk` user, with the JetStream API narrowed to its own
        streams and consumers, since here `$JS.API.>` would reach every office's. It may only look its streams up:
        whoever runs the server creates them (a stream it could create or update could source another office's)."""
        api = "$JS.API"
        streams = [self.stream, self.dead_letter_stream, self.audit_stream]
        consumers = [(self.stream, self.durable)]
        if self.is_centre:
            consumers.append((self.audit_stream, self.audit_durable))
        publish = [f"{self.prefix}.*.{self.token}.>", self.dead_letter_subject, self.audit_subject]
        publish += [f"{api}.STREAM.INFO.{s}" for s in streams]
        # The last message it sent each neighbour (a restored node finds how far it had got): a direct get names the
        # subject in the request's own subject, so it can be held to this office's messages; a plain get cannot.
        publish += [f"{api}.DIRECT.GET.{self.stream_of(n)}.{self.prefix}.{subject_token(n)}.{self.token}.>"
                    for n in self.neighbours]
        for stream, durable in consumers:
            publish += [f"{api}.CONSUMER.{op}.{stream}.{durable}" for op in ("INFO", "DELETE", "DURABLE.CREATE",
                                                                             "CREATE", "MSG.NEXT")]
            publish += [f"{api}.CONSUMER.CREATE.{stream}.{durable}.>", f"$JS.ACK.{stream}.{durable}.>"]
        return {"publish": {"allow": publish}, "subscribe": {"allow": [self.inbound_filter, f"{self.inbox_prefix}.>"]}}


def topology_of(settings: Settings) -> Topology:
    children = [c.strip() for c in settings.child_nodes.split(",") if c.strip()] or child_offices(settings.office)
    neighbours = ([settings.parent_node] if settings.parent_node else []) + children
    return Topology(settings.nats_prefix, settings.node_id, tuple(neighbours), settings.nats_separate_domains,
                    tuple(children), not settings.parent_node, settings.nats_nkey_seed_file)
