"""The one error a workflow action raises when it refuses, with a message a person can act on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class WorkflowError(Exception):
    """A refused action. `problems` lists every unmet condition, each a full sentence."""

    def __init__(self, message: str, *, problems: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return self.message + " " + " ".join(self.problems)


class EditConflict(WorkflowError):
    """A content save over a revision newer than the one the editor started from.

    `submitted` keeps exactly what the person sent, so the page can show it again.
    """

    def __init__(
        self, message: str, *, current_revision: int, submitted: Mapping[str, str]
    ) -> None:
        super().__init__(message)
        self.current_revision = current_revision
        self.submitted = dict(submitted)


class Busy(WorkflowError):
    """The article's row lock was not granted in time, or the database gave up on the work.

    Nothing was changed; the person is asked to try again, with their text kept.
    """
