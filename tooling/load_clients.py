"""The load test's clients: browser-like threads that browse, pass the gate, log in and post
(``tooling.loadtest`` starts them and checks what they wrote)."""

import random
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from tooling.browser import AGE_GATE_FORM, Browser, Response

MEMBER_PASSWORD = "load-test-password-1"

SENTENCES = [
    "The pacing drags in the middle but the last act earns its ending.",
    "Uncomfortable in the way the genre is meant to be, and honest about it.",
    "The side characters carry more of the story than the leads do.",
    "Good art, thin plot, and a finale that reframes everything before it.",
]
FORM_ERROR = re.compile(r'<(?:div class="form-errors"[^>]*><ul|ul class="errorlist"[^>]*)>\s*<li>([^<]+)</li>')


@dataclass
class Plan:
    works: list[str]
    review_works: list[str]
    tags: list[str]
    terms: list[str]
    words: list[str]
    members: list[str]
    # (slug, episodes) of the anime members log progress on: few, so members update them at once.
    list_works: list[tuple[str, int]] = field(default_factory=list)


# --- clients ------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    status: int
    seconds: float


@dataclass
class Post:
    kind: str  # "review" or "comment"
    marker: str
    status: int
    refusal: str = ""


@dataclass
class ListUpdate:
    """One progress and score update a member's browser sent for a work on their list, in its order."""

    member: str
    slug: str
    progress: int
    score: int
    status: int


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    list_updates: list[ListUpdate] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, response: Response) -> Response:
        with self.lock:
            self.samples.append(Sample(kind, response.status, response.seconds))
            if response.status == 0 or response.status >= 500:
                self.errors.append(f"{kind}: {response.status or response.error}")
        return response

    def add_post(self, post: Post) -> None:
        with self.lock:
            self.posts.append(post)

    def add_list_update(self, update: ListUpdate) -> None:
        with self.lock:
            self.list_updates.append(update)


class LoadClient(threading.Thread):
    """One visitor's browser plus a few members' browsers, picking weighted actions until the deadline."""

    def __init__(
        self,
        index: int,
        base_url: str,
        plan: Plan,
        members: list[str],
        run_id: str,
        results: Results,
        start: threading.Barrier,
        window: "Window",
    ):
        super().__init__(name=f"client-{index}", daemon=True)
        self.index, self.plan, self.run_id, self.results = index, plan, run_id, results
        self.start_barrier, self.window = start, window
        self.rng = random.Random(index)
        self.visitor = Browser(base_url)
        self.member_names = members
        self.members = [Browser(base_url) for _ in members]
        self.reviewed: list[set[str]] = [set() for _ in members]
        self.progress: list[dict[str, int]] = [{} for _ in members]
        self.sequence = 0
        self.warmup_failure = ""
        self.actions = [
            (self.home, 8),
            (self.work_list, 8),
            (self.filtered_list, 14),
            (self.work_page, 22),
            (self.tag_page, 5),
            (self.glossary, 8),
            (self.search, 10),
            (self.suggest, 5),
            (self.post_review, 10),
            (self.post_comment, 10),
            (self.update_list, 12 if plan.list_works else 0),
        ]

    def run(self) -> None:
        try:
            for name, browser in zip(self.member_names, self.members, strict=False):
                answer = browser.log_in(name, MEMBER_PASSWORD)
                if answer.status != 302:
                    self.warmup_failure = f"{name} could not log in: HTTP {answer.status} {answer.error}"
        finally:
            self.start_barrier.wait()
        if self.warmup_failure:
            return
        functions, weights = zip(*self.actions, strict=False)
        while time.monotonic() < self.window.deadline:
            self.rng.choices(functions, weights)[0]()

    def browser(self) -> Browser:
        """Half of the page views come from the anonymous visitor, half from a member."""
        return self.visitor if self.rng.random() < 0.5 else self.rng.choice(self.members)

    def marker(self) -> str:
        self.sequence += 1
        return f"[{self.run_id}:{self.index}:{self.sequence}]"

    # page views
    def home(self):
        self.results.add("home", self.browser().get("/"))

    def work_list(self):
        self.results.add("works list", self.browser().get(f"/works/?page={self.rng.randint(1, 5)}"))

    def filtered_list(self):
        tags = self.rng.sample(self.plan.tags, 3)
        query = self.rng.choice(
            [
                {"tags": tags[:2], "sort": "-score"},
                {"any_tags": tags, "exclude_tags": tags[2], "sort": "-reviews"},
                {
                    "kind": self.rng.choice(["anime", "manga", "visual_novel"]),
                    "year_min": 1995,
                    "year_max": 2015,
                    "sort": "year",
                },
                {"tags": tags[0], "min_score": 6, "page": self.rng.randint(1, 3)},
            ]
        )
        self.results.add("filtered list", self.browser().get("/works/?" + urlencode(query, doseq=True)))

    def work_page(self, browser: Browser | None = None, slug: str | None = None) -> Response:
        browser = browser or self.browser()
        path = f"/works/{slug or self.rng.choice(self.plan.works)}/"
        answer = self.results.add("work page", browser.get(path))
        if answer.status == 200 and AGE_GATE_FORM in answer.body and "gate__actions" in answer.body:
            entered = self.results.add("age gate", browser.pass_age_gate(path))
            if entered.redirected:
                answer = self.results.add("work page", browser.get(entered.location))
        return answer

    def tag_page(self):
        path = "/tags/" if self.rng.random() < 0.3 else f"/tags/{self.rng.choice(self.plan.tags)}/"
        self.results.add("tags", self.browser().get(path))

    def glossary(self):
        path = "/glossary/" if self.rng.random() < 0.3 else f"/glossary/{self.rng.choice(self.plan.terms)}/"
        self.results.add("glossary", self.browser().get(path))

    def search(self):
        query = self.rng.choice(self.plan.words)
        self.results.add("search", self.browser().get("/search/?" + urlencode({"q": query})))

    def suggest(self):
        query = self.rng.choice(self.plan.words)[: self.rng.randint(3, 6)]
        self.results.add("suggest", self.browser().get("/search/suggest/?" + urlencode({"q": query})))

    # posts
    def post_review(self):
        which = self.rng.randrange(len(self.members))
        member, reviewed = self.members[which], self.reviewed[which]
        fresh = [slug for slug in self.plan.review_works if slug not in reviewed]
        if reviewed and (not fresh or self.rng.random() < 0.05):
            slug = self.rng.choice(sorted(reviewed))  # a second review from a stale tab: must be refused
        else:
            slug = self.rng.choice(fresh)
        self.work_page(member, slug)
        marker = self.marker()
        fields = {"score": self.rng.randint(1, 10), "body": f"Load test review {marker}. {self.rng.choice(SENTENCES)}"}
        answer = self.results.add("post review", member.post(f"/works/{slug}/reviews/", fields))
        self._record_post("review", marker, answer)
        if answer.status == 302:
            reviewed.add(slug)
            self.results.add("work page", member.get(answer.location))

    def post_comment(self):
        member = self.rng.choice(self.members)
        slug = self.rng.choice(self.plan.terms)
        self.results.add("glossary", member.get(f"/glossary/{slug}/"))
        marker = self.marker()
        fields = {"body": f"Load test comment {marker}: {self.rng.choice(SENTENCES)}"}
        answer = self.results.add("post comment", member.post(f"/glossary/{slug}/comments/", fields))
        self._record_post("comment", marker, answer)
        if answer.status == 302 and self.rng.random() < 0.1:
            # A double click: the same comment again must be refused as a duplicate.
            again = self.results.add("post comment", member.post(f"/glossary/{slug}/comments/", fields))
            self._record_post("comment", marker, again)

    def update_list(self):
        """The next episode of an anime on the member's list, with a score: the plain form's post, as
        from the work page or a card. Members share few works, so updates of one work coincide."""
        which = self.rng.randrange(len(self.members))
        member, progress = self.members[which], self.progress[which]
        slug, episodes = self.rng.choice(self.plan.list_works)
        if self.rng.random() < 0.3:
            self.work_page(member, slug)  # a fresh CSRF token now and then, as a browsing member has
        watched = progress.get(slug, 0) % episodes + 1  # back to the first episode after the last: a rewatch
        score = self.rng.randint(1, 10)
        fields = {"status": "in_progress", "progress": watched, "score": score}
        answer = self.results.add("list update", member.post(f"/works/{slug}/list/", fields))
        if answer.status == 302:
            progress[slug] = watched
        self.results.add_list_update(ListUpdate(self.member_names[which], slug, watched, score, answer.status))

    def _record_post(self, kind: str, marker: str, answer: Response) -> None:
        refusal = ""
        if answer.status == 400:
            found = FORM_ERROR.search(answer.body)
            refusal = found.group(1).strip() if found else "form error"
        self.results.add_post(Post(kind, marker, answer.status, refusal))


@dataclass
class Cpu:
    """CPU seconds spent by gunicorn and by the clients during the window: on a shared
    machine, server CPU per request is steadier than latency."""

    server: float
    clients: float
    load_average: float

    def finish(self, server: float, clients: float) -> None:
        self.server, self.clients = server - self.server, clients - self.clients


@dataclass
class Window:
    deadline: float = float("inf")
    started: float = 0.0
