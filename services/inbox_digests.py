"""The messages applied from each sender, by epoch and position, with the digest of their bytes: what is committed
(the recorder's `message_digests`) and what the open batch adds, read as one."""

from __future__ import annotations

from services.ports import BatchRecorder, MessageDigest


class AppliedMessages:
    """Within one batch: a digest kept per (sender, epoch, position), and each sender's heads read once."""

    def __init__(self, recorder: BatchRecorder) -> None:
        self.recorder = recorder
        self.added: dict[tuple[str, int, int], MessageDigest] = {}  # the messages this batch applies
        self.heads: dict[tuple[str, int | None], tuple[int, int]] = {}  # committed digest heads, as read

    def add(self, digest: MessageDigest) -> None:
        self.added[(digest.sender, digest.epoch, digest.seq)] = digest

    def digest(self, sender: str, epoch: int, seq: int) -> str | None:
        here = self.added.get((sender, epoch, seq))
        return here.sha256 if here else self.recorder.message_digest(sender, epoch, seq)

    def since(self, sender: str, epoch: int, seq: int) -> list[MessageDigest]:
        """The messages applied from `sender` after (epoch, seq), this batch's included."""
        here = [d for (who, e, s), d in self.added.items() if who == sender and (e, s) > (epoch, seq)]
        return [*self.recorder.digests_since(sender, epoch, seq), *here]

    def head(self, sender: str, epoch: int | None = None) -> tuple[int, int]:
        """(highest epoch, highest position) applied from `sender` (within `epoch`), this batch included."""
        if (sender, epoch) not in self.heads:  # one query per sender (and epoch) a batch, as for positions
            self.heads[(sender, epoch)] = self.recorder.digest_head(sender, epoch)
        kept = self.heads[(sender, epoch)]
        here = [(e, s) for (who, e, s) in self.added if who == sender and (epoch is None or e == epoch)]
        return max([kept[0], *(e for e, _ in here)]), max([kept[1], *(s for _, s in here)])

    def rows(self) -> list[MessageDigest]:
        return list(self.added.values())
