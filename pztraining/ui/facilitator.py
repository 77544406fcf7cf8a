"""The facilitator's role-play timer: a thin view over :mod:`pztraining.domain.roleplay`.

Every press goes through the store under a lock (``Store.update_roleplay``) with the version
this page last saw, so two facilitators pressing at once cannot both act: the first wins and
the other page shows the latest state. The page re-reads the store every few seconds, so a
second device or a reload shows the same member, phase and remaining time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qs

import ipywidgets as w

from pztraining.content import Meeting, Program, UnknownCase, case_choices, load_case, load_program
from pztraining.core import settings
from pztraining.core.clock import utc_now
from pztraining.core.settings import Context
from pztraining.core.text_input import clean_name
from pztraining.core.texts import t
from pztraining.domain import roleplay
from pztraining.domain.roleplay import (
    Group,
    RolePlay,
    RolePlayError,
    first_practice_meeting,
    parse_duration,
    practice_block,
    split_groups,
    with_block_end,
)
from pztraining.services import access
from pztraining.services.access import LOCAL, User
from pztraining.store import RolePlayRow, Store, StoreError
from pztraining.ui.case_view import screen_html
from pztraining.ui.common import (
    Message,
    Refresher,
    esc,
    named,
    open_page,
    page_user,
    set_options,
    stylesheet,
    training_options,
)
from pztraining.ui.countdown import Countdown
from pztraining.ui.press_button import PressButton

#: How often the page re-reads the group from the store, in seconds.
REFRESH_SECONDS = 2.0


def big() -> w.Layout:
    """A thumb-sized button layout (each widget needs its own Layout object)."""
    return w.Layout(width="auto", min_width="7.5em", height="3.6em")


class FacilitatorApp:
    """The facilitator page. ``clock`` returns the current UTC time (injectable for tests)."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] = utc_now,
        scope: tuple[int, int] | None = None,
        user: User | None = None,
    ):
        self.store = store
        self.clock = clock
        #: (training id, meeting) when opened with a facilitator link: nothing else can be chosen.
        self.scope = scope
        # A facilitator link is its own permission (the code); otherwise the trainer's rules.
        self.user = LOCAL if scope is not None else page_user(store, user)
        if not access.may_run_trainings(self.user):
            raise access.AccessDenied(t("access.not_a_trainer", role=t(f"role.{self.user.role}")))
        self.program: Program | None = None
        self.row: RolePlayRow | None = None
        self._refresher = Refresher(self.refresh, REFRESH_SECONDS)
        self.message = Message()
        # With a facilitator link there is nothing to choose: say which meeting this is instead.
        self.scope_title = named(w.HTML(), "scope-title")
        self._build_pickers()
        self._build_new_group_form()
        self._build_play()
        self.root = named(
            w.VBox(
                [
                    stylesheet(),
                    w.HTML(
                        f"<h1>{esc(t('app.facilitator.title'))}</h1>"
                        f"<div class='pz-sub'>{esc(t('app.facilitator.subtitle'))}</div>"
                    ),
                    self.scope_title,
                    w.HBox(
                        [self.training_select, self.meeting_select],
                        layout=w.Layout(flex_flow="row wrap", display="none" if scope is not None else None),
                    ),
                    w.HBox([self.group_select, self.new_group_button], layout=w.Layout(flex_flow="row wrap")),
                    self.new_group_box,
                    self.message,
                    self.play,
                ]
            ),
            "facilitator-app",
            "pz-app",
        )
        self._fill_trainings()

    # ================================================================ building

    def _build_pickers(self) -> None:
        # As wide as the longest choice (a training's name with its programme runs long), never
        # wider than the screen: a fixed width cut the names off on a 1024 px tablet.
        wide = w.Layout(width="auto", max_width="100%", min_width="min(100%, 320px)")
        self.training_select = named(w.Dropdown(description=t("training.choose"), layout=wide), "training-select")
        self.meeting_select = named(w.Dropdown(description=t("meeting.choose"), layout=wide), "meeting")
        self.group_select = named(w.Dropdown(description=t("fac.group"), layout=wide), "group-select")
        self.new_group_button = named(w.Button(description=t("fac.new_group"), icon="plus"), "new-group")
        self.training_select.observe(lambda _: self._on_training(), names="value")
        self.meeting_select.observe(lambda _: self._on_meeting(), names="value")
        self.group_select.observe(lambda _: self._on_group(), names="value")
        self.new_group_button.on_click(lambda _: self._show_new_group(True))

    def _build_new_group_form(self) -> None:
        style = {"description_width": "200px"}
        wide = w.Layout(width="min(100%, 520px)")
        self.group_name = named(w.Text(description=t("fac.group_name"), style=style, layout=wide), "group-name")
        self.members = named(
            w.Textarea(
                description=t("fac.members"),
                placeholder=t("fac.members.placeholder"),
                style=style,
                layout=w.Layout(width="min(100%, 520px)", height="9em"),
            ),
            "members",
        )
        self.facilitator = named(w.Text(description=t("fac.facilitator"), style=style, layout=wide), "facilitator")
        # A case's title is long ("Casus 2: Mevrouw Brouwer – kanker op een klinische afdeling"): the
        # whole title must show on a tablet (style.css stacks the labels below 900 px).
        self.case_select = named(
            w.Dropdown(description=t("fac.case"), style=style, layout=w.Layout(width="min(100%, 760px)")), "case"
        )
        self.turn_length = named(
            w.Text(value="2:00", description=t("fac.turn_length"), style=style, layout=wide), "turn-length"
        )
        self.reflection_length = named(
            w.Text(value="", description=t("fac.reflection_length"), style=style, layout=wide), "reflection-length"
        )
        self.group_advice = named(w.HTML(), "group-advice")
        self.members.observe(lambda _: self._show_group_advice(), names="value")
        self.create_button = named(
            w.Button(description=t("fac.create"), button_style="primary", layout=big()), "create-group"
        )
        self.create_button.on_click(lambda _: self._on_create_group())
        self.new_group_box = named(
            w.VBox(
                [
                    w.HTML(f"<h3>{esc(t('fac.new_group.title'))}</h3>"),
                    self.group_name,
                    self.members,
                    self.group_advice,
                    self.facilitator,
                    self.case_select,
                    self.turn_length,
                    self.reflection_length,
                    self.create_button,
                ],
                layout=w.Layout(display="none"),
            ),
            "new-group-form",
            "pz-card",
        )

    def _build_play(self) -> None:
        self.turn_header = named(w.HTML(), "turn-header")
        self.member_box = named(w.HTML(), "member")
        self.countdown = Countdown(warn_seconds=30, sound=True, over_label=t("fac.time_up"))
        self.reflection = named(w.HTML(), "reflection")
        self.block_info = named(w.HTML(), "block-info")
        self.variant = named(
            w.ToggleButtons(
                options=[(t("fac.variant.herhalen"), "herhalen"), (t("fac.variant.moeilijker"), "moeilijker")],
                description=t("fac.variant"),
            ),
            "variant",
        )
        self.variant.observe(self._on_variant, names="value")
        self.buttons = {}
        for action, label, style in (
            ("start", "fac.start", "success"),
            ("stop", "fac.stop", "danger"),
            ("pause", "fac.pause", ""),
            ("resume", "fac.resume", ""),
            ("extend", "fac.extend", ""),
            ("next", "fac.next", "primary"),
            ("skip", "fac.skip", ""),
            ("end", "fac.end", ""),
        ):
            # A press carries the version the tablet showed, and a double tap is one press: an
            # ipywidgets Button's second click would act on the state the first one left ("skip"
            # twice: two members' turns gone).
            button = PressButton(action, t(label), button_style=style, layout=big())
            button.on_press(self._presser(action))
            self.buttons[action] = button
        self.case_box = named(w.HTML(), "case-view")
        self.turns_played = named(w.HTML(), "turns-played")
        self.play_message = Message("play-message")
        self.play = named(
            w.VBox(
                [
                    self.turn_header,
                    self.member_box,
                    self.countdown,
                    self.reflection,
                    named(
                        w.HBox(list(self.buttons.values()), layout=w.Layout(flex_flow="row wrap")),
                        "play-buttons",
                        "pz-buttons",
                    ),
                    self.variant,
                    self.play_message,
                    self.block_info,
                    self.turns_played,
                    w.Accordion(children=[self.case_box], titles=(t("fac.case"),)),
                ],
                layout=w.Layout(display="none"),
            ),
            "play",
            "pz-card",
        )

    # ================================================================ choosing

    def _fill_trainings(self) -> None:
        trainings = access.visible_trainings(self.user, self.store.list_trainings(), access.can_run)
        if self.scope is not None:
            trainings = [tr for tr in trainings if tr.id == self.scope[0]]
        self.training_select.options = training_options(trainings)
        if not trainings:
            self.message.ok(t("training.none"))
            return
        self._choose(self.training_select, trainings[0].id, self._on_training)

    @staticmethod
    def _choose(dropdown: w.Dropdown, value, on_change: Callable[[], None]) -> None:
        """Select ``value``; run ``on_change`` even when it was already selected."""
        if dropdown.value == value:
            on_change()
        else:
            dropdown.value = value  # its observer runs on_change

    def _on_training(self) -> None:
        if self.training_select.value is None:
            return
        training = self.store.find_training(self.training_select.value)
        self.program = load_program(training.program_id)
        meetings = [m for m in self.program.meetings if self.scope is None or m.number == self.scope[1]]
        if self.scope is not None and meetings:
            first = meetings[0]
            option = t("meeting.option", number=first.number, title=first.title, minutes=first.minutes)
            self.scope_title.value = f"<div class='pz-sub'><b>{esc(training.name)}</b> · {esc(option)}</div>"
        self.meeting_select.options = [
            (t("meeting.option", number=m.number, title=m.title, minutes=m.minutes), m.number) for m in meetings
        ]
        first_practice = first_practice_meeting(meetings) or 1
        self._choose(self.meeting_select, first_practice, self._on_meeting)

    @property
    def meeting(self) -> Meeting | None:
        if self.program is None or self.meeting_select.value is None:
            return None
        return self.program.meeting(self.meeting_select.value)

    def _on_meeting(self) -> None:
        meeting = self.meeting
        if meeting is None:
            return
        block = practice_block(meeting)
        if block is None:
            self.message.error(t("fac.no_practice_block"))
            set_options(self.case_select, [])
        else:
            self.message.clear()
            # The organisation's own cases of this programme are offered next to the shipped ones.
            assert self.program is not None
            set_options(self.case_select, [(load_case(c).title, c) for c in case_choices(self.program.id, block.cases)])
        self._fill_groups()

    def _fill_groups(self, select: int | None = None) -> None:
        meeting = self.meeting
        rows = self.store.list_roleplay_groups(self.training_select.value, meeting.number) if meeting else []
        self.group_select.options = [(row.name, row.id) for row in rows]
        if not rows:
            self.row = None
            self._show_new_group(True)
            self.message.ok(t("fac.no_groups"))
            self._render()
            return
        wanted = select if select in [r.id for r in rows] else rows[0].id
        self._choose(self.group_select, wanted, self._on_group)

    def _on_group(self) -> None:
        if self.group_select.value is None:
            return
        self.row = self.store.find_roleplay_group(self.group_select.value)
        self._render()

    def _show_new_group(self, show: bool) -> None:
        self.new_group_box.layout.display = None if show else "none"
        if show and not self.group_name.value:
            self.group_name.value = t("roleplay.groep_nummer", number=len(self.group_select.options) + 1)

    def _member_names(self) -> tuple[str, ...]:
        return tuple(name for name in map(clean_name, self.members.value.splitlines()) if name)

    def _show_group_advice(self) -> None:
        names = self._member_names()
        if len(names) < 2:
            self.group_advice.value = ""
            return
        plan = split_groups(len(names), simulants=1)
        self.group_advice.value = "".join(
            f"<div class='pz-note'>{esc(t('fac.warn', warning=warning))}</div>" for warning in plan.warnings
        )

    def _on_create_group(self) -> None:
        meeting = self.meeting
        if meeting is None or self.training_select.value is None:
            return
        try:
            turn = parse_duration(self.turn_length.value)
            reflection = parse_duration(self.reflection_length.value) if self.reflection_length.value.strip() else None
            if not self.case_select.value:
                raise RolePlayError(t("fac.no_practice_block"))
            group = Group(
                clean_name(self.group_name.value),
                self._member_names(),
                clean_name(self.facilitator.value),
                self.case_select.value,
                turn,
                reflection,
            )
            row = self.store.add_roleplay_group(
                self.training_select.value, meeting.number, group.name, RolePlay(group).to_dict(), self.clock()
            )
        except (RolePlayError, StoreError) as exc:
            self.message.error(str(exc))
            return
        self.members.value = self.group_name.value = ""
        self._show_new_group(False)
        self.message.ok(t("fac.created", name=row.name))
        self._fill_groups(select=row.id)

    # ================================================================ playing

    def _presser(self, action: str) -> Callable[[int], None]:
        """What a press of ``action``'s button does, with the version the tablet showed."""
        return lambda version: self.dispatch(action, version)

    def dispatch(self, action: str, version: int | None = None) -> None:
        """Apply ``action`` to the group's latest stored state (the store decides who was first).

        ``version``: of the state the tablet showed when the button was pressed (default: the
        one this page last read); a press on a state that has moved on since is refused.
        """
        if self.row is None:
            return
        now = self.clock()
        expected = self.row.version if version is None else version
        try:
            row, applied = self.store.update_roleplay(
                self.row.id, lambda state: roleplay.step(state, action, now), now, expected_version=expected
            )
        except (RolePlayError, StoreError) as exc:
            self.play_message.error(str(exc))
            self.refresh()
            return
        self.row = row
        if applied:
            self.play_message.clear()
        else:
            self.play_message.error(t("fac.conflict"))
        self._render()

    def _on_variant(self, change) -> None:
        if self.row is not None and change["new"] and change["new"] != self.row.state["variant"]:
            self.dispatch(change["new"])

    def _state(self, now: datetime) -> RolePlay:
        """The stored state with the end of the practice block from the trainer's run."""
        row = self.row
        assert row is not None  # only with a group chosen
        state = RolePlay.from_dict(row.state)
        meeting = self.meeting
        if meeting is None:
            return state
        return with_block_end(state, meeting, self.store.find_run(row.training_id, row.meeting)[0], now)

    def _render(self) -> None:
        if self.row is None:
            self.play.layout.display = "none"
            self._refresher.stop()
            return
        self._show_new_group(False) if self.group_select.options else None
        self.play.layout.display = None
        now = self.clock()
        state = self._state(now)
        questions = self._questions()
        phase = state.phase
        number = esc(t("fac.turn", number=state.turn))
        variant = esc(t(f"fac.variant.{state.variant}"))
        self.turn_header.value = f"<div class='pz-turn'>{number} · {variant}</div>"
        who = esc(t("fac.now") if phase == "turn" else t("fac.up"))
        self.member_box.value = (
            f"<div class='pz-member-now'><span class='pz-note'>{who}</span> "
            f"<b class='pz-member-name'>{esc(state.member)}</b></div>"
            f"<div class='pz-member-next'><span class='pz-note'>{esc(t('fac.after'))}</span> "
            f"{esc(state.next_member)}</div>"
        )
        deadline = state.deadline()
        self.countdown.over_lines = questions if phase == "turn" else []
        remaining = state.remaining_seconds(now)
        if phase == "turn" and state.is_paused:
            assert remaining is not None  # a turn has a deadline
            self.countdown.pause_at(remaining)
            self.countdown.label = t("fac.paused")
        elif deadline is not None:
            label = state.member if phase == "turn" else t("fac.reflection.timer")
            self.countdown.count_to(deadline, label=label)
        else:
            self.countdown.clear()
        self.reflection.value = (
            (
                f"<div class='pz-reflection'><h2>{esc(t('fac.reflection'))}: {esc(state.member)}</h2><ol>"
                + "".join(f"<li>{esc(q)}</li>" for q in questions)
                + "</ol></div>"
            )
            if phase == "reflection"
            else ""
        )
        visible = {
            "ready": {"start", "skip", "end"},
            "turn": {"stop", "extend", "end"} | ({"resume"} if state.is_paused else {"pause"}),
            "reflection": {"next", "start", "end"},
            "done": set(),
        }[phase]
        for action, button in self.buttons.items():
            button.layout.display = None if action in visible else "none"
            button.version = self.row.version
        self.variant.layout.display = None if state.can_choose_variant else "none"
        if state.can_choose_variant and self.variant.value != state.variant and state.variant != "basis":
            self.variant.value = state.variant
        self._render_block_info(state, now)
        played = self.store.list_roleplay_turns(self.row.id)
        self.turns_played.value = f"<div class='pz-note'>{esc(t('fac.turns_played', count=len(played)))}</div>"
        if phase == "done":
            self.play_message.ok(t("fac.done", count=len(played)))
        try:
            self.case_box.value = screen_html(load_case(state.group.case_id))
        except UnknownCase:
            self.case_box.value = esc(t("case.unknown"))
        if phase == "done":
            self._refresher.stop()
        else:
            self._refresher.start()

    def _questions(self) -> list[str]:
        meeting = self.meeting
        block = practice_block(meeting) if meeting else None
        return list(block.reflection_questions) if block else []

    def _render_block_info(self, state: RolePlay, now: datetime) -> None:
        fits = state.turns_that_fit(now)
        if fits is None:
            self.block_info.value = ""
        elif fits == 0:
            self.block_info.value = f"<div class='pz-late'>{esc(t('fac.block_full'))}</div>"
        else:
            left = state.block_remaining_seconds(now)
            assert left is not None  # turns_that_fit knows the block's end
            minutes = max(left, 0) // 60
            left_text = t("fac.block_left", minutes=minutes, turns=fits)
            self.block_info.value = f"<div class='pz-note'>{esc(left_text)}</div>"

    # ================================================================ live refresh

    def refresh(self) -> None:
        """Re-read the group from the store; re-render when another page changed it."""
        if self.row is None:
            return
        latest = self.store.find_roleplay_group(self.row.id)
        if latest.version != self.row.version:
            self.row = latest
            self._render()
        else:
            self._render_block_info(self._state(self.clock()), self.clock())


def facilitator_app(db: str | None = None) -> w.Widget:
    """The facilitator page as a widget (what ``notebooks/facilitator.ipynb`` shows).

    On the room server (the ``room`` setting) the page opens only with a facilitator code
    in its URL (``?f=CODE``) and then shows that one meeting; the server checked the code
    before starting this kernel, and we check it again here.
    """
    if not settings.current().room:
        return open_page(FacilitatorApp, db)
    code = parse_qs(Context.read().query).get("f", [""])[0]

    def scoped(store: Store):
        link = store.find_facilitator_link(code)
        if link is None:
            raise StoreError(t("room.facilitator.denied"))
        return FacilitatorApp(store, scope=link)

    return open_page(scoped, db)


__all__ = ["FacilitatorApp", "facilitator_app", "practice_block"]
