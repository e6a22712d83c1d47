"""What the inspections' rules refuse, in the one error shape."""

from server.core.errors import DomainError


class Refused(DomainError):
    """A request the rules refuse, with its status, code, field and message given where it is raised."""

    def __init__(self, status, code, field, zh, en, errors=None):
        super().__init__()
        self.status, self.code, self.field, self.zh, self.en, self._errors = status, code, field, zh, en, errors

    def errors(self):
        return self._errors if self._errors is not None else super().errors()


class IdTaken(DomainError):
    status, code = 409, "id_taken"
    zh, en = "该检查编号已被占用，请用新的编号重新提交", "This id is taken: submit again under a new id"


class Conflict(DomainError):
    status, code = 409, "id_conflict"
    zh = "该检查编号已用于您的另一份内容不同的检查（{f}）"
    en = "This id belongs to another inspection of yours, with other content ({f})"

    def __init__(self, fields):
        super().__init__(fields, f=", ".join(fields))
        self.fields = fields

    def errors(self):
        return {"json": {f: ["differs"] for f in self.fields}}


class Stale(DomainError):
    """A correction of a revision that is no longer the current one: `errors.current` says which is."""

    status, code = 412, "precondition_failed"
    zh, en = "检查记录已被他人更正，请刷新后重试", "The inspection was corrected since you read it; reload and retry"

    def __init__(self, current: int):
        super().__init__(current)
        self.current = current

    def errors(self):
        return {"current": {"revision": self.current}}
