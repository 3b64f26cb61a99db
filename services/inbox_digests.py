"""The messages applied from each sender, by epoch and position, with the digest of their bytes: what is committed
(the recorder's `message_digests`) and what the open batch adds, read as one."""

from __future__ import annotations

from services.ports import BatchRecorder, MessageDigest


class AppliedMessages:
    """Within one batch: a digest kept per (sender, epoch, position), and each sender's heads read once.

    What the batch adds is also kept by sender, with each sender's running heads (over all its epochs, and within
    each epoch), so that reading a sender's head or what followed a position costs the same for the batch's last
    message as for its first (a drain hands over hundreds of one sender's messages in a batch)."""

    def __init__(self, recorder: BatchRecorder) -> None:
        self.recorder = recorder
        self.added: dict[tuple[str, int, int], MessageDigest] = {}  # the messages this batch applies
        self.heads: dict[tuple[str, int | None], tuple[int, int]] = {}  # committed digest heads, as read
        self.by_sender: dict[str, dict[tuple[int, int], MessageDigest]] = {}  # `added`, by sender
        self.added_heads: dict[tuple[str, int | None], tuple[int, int]] = {}  # the heads of `added`

    def add(self, digest: MessageDigest) -> None:
        sender, epoch, seq = digest.sender, digest.epoch, digest.seq
        self.added[(sender, epoch, seq)] = digest
        self.by_sender.setdefault(sender, {})[(epoch, seq)] = digest
        for key in ((sender, None), (sender, epoch)):
            e, s = self.added_heads.get(key, (epoch, seq))
            self.added_heads[key] = (max(e, epoch), max(s, seq))

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        here = self.added.get((sender, epoch, seq))
        return here.sha256 if here else self.recorder.message_digest(sender, epoch, seq)

    def since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        """The messages applied from `sender` after (epoch, seq), this batch's included."""
        here = [d for (e, s), d in self.by_sender.get(sender, {}).items() if (e, s) > (epoch, seq)]
        return [*self.recorder.digests_since(sender, epoch, seq), *here]

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        """(highest epoch, highest position) applied from `sender` (within `epoch`), this batch included."""
        if (sender, epoch) not in self.heads:  # one query per sender (and epoch) a batch, as for positions
            self.heads[(sender, epoch)] = self.recorder.digest_head(sender, epoch)
        kept = self.heads[(sender, epoch)]
        here = self.added_heads.get((sender, epoch))
        return (max(kept[0], here[0]), max(kept[1], here[1])) if here else kept

    def rows(self) -> list[MessageDigest]:
        return list(self.added.values())
