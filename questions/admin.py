"""Django admin for curators: stats, curation filters, bulk edits, YAML in and out, duplicate warnings."""

from __future__ import annotations

import re
from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import curation, exporter, importer
from .bankformat import COMPANY, LEVEL, QUESTION, SOURCE, TOPIC, Phrases, Text
from .models import Company, FollowUp, KeyPoint, Level, PendingImport, Question, Sighting, Source, Topic

IMPORT_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class PhrasesField(forms.CharField):
    """A list of short phrases (a key point's cues) edited one per line.

    One per line rather than comma-separated, so a cue may hold a comma
    ("precision, recall"). Blank lines are dropped; what is left is checked by
    the bank format's rule for the list (``Phrases``), as an import checks it.
    """

    widget = forms.Textarea

    def __init__(self, rule: Phrases, **kwargs) -> None:
        self.rule = rule
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            f"One per line; {rule.min_items} to {rule.max_items}, at most {rule.max_length} characters each.",
        )
        super().__init__(strip=False, **kwargs)
        self.widget.attrs.update({"rows": 3, "cols": 30})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [line for line in text.splitlines() if line.strip()]

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        problems = self.rule.problems(value)
        if problems:
            raise forms.ValidationError(problems)

    def clean(self, value) -> list[str]:
        return [phrase.strip() for phrase in super().clean(value)]


class FormatCheckedForm(forms.ModelForm):
    """A model form that checks text by the bank format's rules (questions/bankformat.py).

    So a question saved in the admin meets the same caps, the same refusal of
    control characters and of Markdown that would render slowly, as one
    imported from YAML. The admin saves inside a transaction (on SQLite one
    holding the write lock), so this is what keeps a save fast.
    """

    text_rules: dict[str, Text] = {}

    def clean(self) -> dict:
        cleaned = super().clean()
        for name, rule in self.text_rules.items():
            value = cleaned.get(name)
            problem = rule.problem(value) if isinstance(value, str) else None
            if problem:
                self.add_error(name, f"This text {problem}.")
        return cleaned


def checked_form(rules: dict[str, Text | Phrases]) -> type[FormatCheckedForm]:
    """A form checking each field by its rule: text as typed, lists of phrases one per line."""
    attrs: dict = {"text_rules": {name: rule for name, rule in rules.items() if isinstance(rule, Text)}}
    attrs |= {name: PhrasesField(rule) for name, rule in rules.items() if isinstance(rule, Phrases)}
    return type("FormatCheckedForm", (FormatCheckedForm,), attrs)


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    form = checked_form(LEVEL.text_rules())
    list_display = ["name", "slug", "rank"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    form = checked_form(TOPIC.text_rules())
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    form = checked_form(COMPANY.text_rules())
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    form = checked_form(SOURCE.text_rules())
    list_display = ["title", "slug", "url"]
    search_fields = ["title", "slug"]


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    form = checked_form(QUESTION.row_rules("key_points"))
    extra = 1
    min_num = 1
    ordering = ["position"]


class FollowUpInline(admin.StackedInline):
    model = FollowUp
    form = checked_form(QUESTION.row_rules("follow_ups"))
    extra = 0
    max_num = QUESTION.field("follow_ups").type.max_items
    ordering = ["position"]
    fields = ["position", "prompt", "answer"]


class SightingInline(admin.TabularInline):
    model = Sighting
    form = checked_form(QUESTION.row_rules("seen_in"))
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "sighting in a source guide"


# --- filters that help curation -------------------------------------------------------


class UsageFilter(admin.SimpleListFilter):
    title = "usage"
    parameter_name = "usage"

    def lookups(self, request, model_admin):
        return [("never", "Never asked"), ("asked", "Asked at least once")]

    def queryset(self, request, queryset):
        if self.value() == "never":
            return queryset.filter(times_asked=0)
        if self.value() == "asked":
            return queryset.filter(times_asked__gt=0)
        return queryset


class ScoreFilter(admin.SimpleListFilter):
    title = "average self-score"
    parameter_name = "score"

    def lookups(self, request, model_admin):
        return [("low", f"Low (under {curation.LOW_AVERAGE_SCORE} of 5)")]

    def queryset(self, request, queryset):
        if self.value() == "low":
            return queryset.filter(avg_score__lt=curation.LOW_AVERAGE_SCORE)
        return queryset


class OvertimeFilter(admin.SimpleListFilter):
    title = "overtime rate"
    parameter_name = "overtime"

    def lookups(self, request, model_admin):
        return [("high", f"High (over {curation.HIGH_OVERTIME:.0%} of answers)")]

    def queryset(self, request, queryset):
        if self.value() == "high":
            return queryset.filter(overtime_rate__gt=curation.HIGH_OVERTIME)
        return queryset


class NoCompanyFilter(admin.SimpleListFilter):
    title = "company tags"
    parameter_name = "tagged"

    def lookups(self, request, model_admin):
        return [("none", "No company")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(companies__isnull=True)
        return queryset


# --- forms for bulk actions and import --------------------------------------------------


class LevelChoiceForm(forms.Form):
    level = forms.ModelChoiceField(Level.objects.all(), label="New level")


class TopicChoiceForm(forms.Form):
    topic = forms.ModelChoiceField(Topic.objects.all(), label="Topic")


class CompanyChoiceForm(forms.Form):
    company = forms.ModelChoiceField(Company.objects.all(), label="Company")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="YAML file", help_text="The same format as fixtures/ (see docs/yaml-format.md)."
    )


def relation_action(relation: str, key: str, form_class: type[forms.Form], *, add: bool):
    """A bulk action that adds (or removes) one chosen topic or company on each selected question."""
    verb = "add" if add else "remove"
    name = f"{verb}_{key}"

    def apply(question: Question, data: dict) -> bool:
        manager = getattr(question, relation)
        present = any(obj.pk == data[key].pk for obj in manager.all())
        if present == add:
            return False
        (manager.add if add else manager.remove)(data[key])
        Question.objects.filter(pk=question.pk).update(updated=timezone.now())
        return True

    @admin.action(
        description=f"{verb.capitalize()} a {key} {'to' if add else 'from'} selected questions…",
        permissions=["change"],
    )
    def action(model_admin, request, queryset):
        return model_admin._bulk_form(
            request, queryset, action=name, title=f"{verb.capitalize()} {key}", form_class=form_class,
            apply=apply, field=relation,
        )  # fmt: skip

    action.__name__ = name
    return action


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    form = checked_form(QUESTION.text_rules())
    list_display = [
        "prompt",
        "level",
        "topic_list",
        "company_list",
        "status",
        "seen_in",
        "times_asked",
        "times_answered",
        "average_score",
        "overtime",
        "last_asked",
    ]
    list_filter = [
        "status",
        UsageFilter,
        ScoreFilter,
        OvertimeFilter,
        NoCompanyFilter,
        "level",
        "topics",
        "companies",
    ]
    list_select_related = ["level"]
    search_fields = ["prompt", "answer", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    filter_horizontal = ["topics", "companies"]
    inlines = [KeyPointInline, FollowUpInline, SightingInline]
    actions = [
        "publish",
        "unpublish",
        "set_level",
        "add_topic",
        "remove_topic",
        "add_company",
        "remove_company",
        "export_yaml",
    ]
    list_per_page = 50
    readonly_fields = [
        "preview_links",
        "times_asked",
        "times_answered",
        "average_score",
        "overtime",
        "last_asked",
        "cue_report",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["slug", "prompt", "status", "level", "topics", "companies"]}),
        ("Answer", {"fields": ["answer", "why_asked", "pitfall"]}),
        ("Preview as a candidate", {"fields": ["preview_links"]}),
        (
            "How candidates do",
            {"fields": ["times_asked", "times_answered", "average_score", "overtime", "last_asked"]},
        ),
        (
            "How the cues do",
            {
                "fields": ["cue_report"],
                "description": "Per key point, over the scored answers: how often its cues matched "
                "the answer (so the reveal pre-ticked it), and whether the candidate agreed. Many "
                "misfires: a cue is too loose. Many missed: add the way candidates say it as a cue.",
            },
        ),
        ("History", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]
    change_list_template = "admin/questions/question/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        # Prefetch and annotate: the changelist costs the same queries for 10 or 10,000 rows.
        qs = super().get_queryset(request).prefetch_related("topics", "companies")
        return curation.with_stats(qs)

    # --- columns --------------------------------------------------------------------

    @admin.display(description="topics")
    def topic_list(self, question: Question) -> str:
        return ", ".join(t.name for t in question.topics.all())

    @admin.display(description="companies")
    def company_list(self, question: Question) -> str:
        return ", ".join(c.name for c in question.companies.all())

    @admin.display(description="seen in", ordering="seen_count")
    def seen_in(self, question: Question) -> int:
        return question.seen_count

    @admin.display(description="asked", ordering="times_asked")
    def times_asked(self, question: Question) -> int:
        return question.times_asked

    @admin.display(description="answered", ordering="times_answered")
    def times_answered(self, question: Question) -> int:
        return question.times_answered

    @admin.display(description="avg score", ordering="avg_score")
    def average_score(self, question: Question) -> str:
        return f"{question.avg_score:.1f}" if question.avg_score is not None else "–"

    @admin.display(description="overtime", ordering="overtime_rate")
    def overtime(self, question: Question) -> str:
        return f"{question.overtime_rate:.0%}" if question.overtime_rate is not None else "–"

    @admin.display(description="last asked", ordering="last_asked")
    def last_asked(self, question: Question):
        return question.last_asked or "–"

    @admin.display(description="preview")
    def preview_links(self, question: Question) -> str:
        if not question.pk:
            return "Save the question first."
        base = reverse("sessions:preview", args=[question.slug])
        link = '<a href="{}" target="_blank">{}</a>'
        return format_html(
            link + " · " + link, base, "In the runner", f"{base}?stage=reveal", "In the reveal"
        )

    @admin.display(description="cues against ticks")
    def cue_report(self, question: Question) -> str:
        if not question.pk:
            return "Save the question first."
        report = curation.cue_report(question)
        if not report.answers:
            return "No scored answers yet."
        head = format_html(
            "<p>Over {} scored answer{}.</p>", report.answers, "" if report.answers == 1 else "s"
        )
        header = (
            "<tr><th>#</th><th>key point</th><th>cues</th><th>ticked</th><th>detected</th>"
            "<th>detected, kept ticked</th><th>misfire (detected, unticked)</th>"
            "<th>missed by the cues (ticked, not detected)</th><th>misfiring phrases</th></tr>"
        )
        body = format_html_join(
            "",
            '<tr class="cue-point-{}"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>'
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    p.position,
                    p.position,
                    p.text,
                    "; ".join(p.cues) or "(none)",
                    p.ticked,
                    p.detected,
                    p.kept,
                    p.misfired,
                    p.missed,
                    ", ".join(f"“{phrase}” ×{n}" for phrase, n in p.misfire_phrases.most_common(3)),
                )
                for p in report.points
            ),
        )
        return format_html(
            '{}<table class="cue-report"><thead>{}</thead><tbody>{}</tbody></table>',
            head,
            mark_safe(header),  # noqa: S308 - a constant
            body,
        )

    # --- saving: warn about near duplicates ---------------------------------------------

    def save_model(self, request: HttpRequest, obj: Question, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        similar = curation.similar_prompts(obj.prompt, exclude_slug=obj.slug)
        if similar:
            links = format_html_join(
                "; ",
                '<a href="{}">{}</a> ({}% similar)',
                (
                    (reverse("admin:questions_question_change", args=[s.id]), s.prompt, s.score)
                    for s in similar
                ),
            )
            self.message_user(
                request, format_html("Possible duplicates: {}. Consider merging.", links), messages.WARNING
            )

    # --- bulk actions ---------------------------------------------------------------------

    @admin.action(description="Publish selected questions", permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._set_status(request, queryset, Question.Status.PUBLISHED)

    @admin.action(description="Unpublish selected questions (back to draft)", permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Question]) -> None:
        self._set_status(request, queryset, Question.Status.DRAFT)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Question], status: str) -> None:
        changed = [q for q in queryset if q.status != status]
        for question in changed:
            question.status = status
            question.save(update_fields=["status", "updated"])
            self.log_change(request, question, [{"changed": {"fields": ["status"]}}])
        label = Question.Status(status).label.lower()
        self.message_user(request, f"{len(changed)} question(s) marked {label}.", messages.SUCCESS)

    def _bulk_form(
        self,
        request: HttpRequest,
        queryset: QuerySet[Question],
        *,
        action: str,
        title: str,
        form_class: type[forms.Form],
        apply: Callable[[Question, dict], bool],
        field: str,
    ) -> HttpResponseBase | None:
        """An intermediate page to choose the value, then apply it to each selected question."""
        if "apply" in request.POST:
            form = form_class(request.POST)
            if form.is_valid():
                changed = 0
                for question in queryset:
                    if apply(question, form.cleaned_data):
                        changed += 1
                        self.log_change(request, question, [{"changed": {"fields": [field]}}])
                self.message_user(request, f"{title}: {changed} question(s) changed.", messages.SUCCESS)
                return None
        else:
            form = form_class()
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action": action,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/questions/question/bulk_action.html", context)

    @admin.action(description="Set level of selected questions…", permissions=["change"])
    def set_level(self, request, queryset):
        def apply(question: Question, data: dict) -> bool:
            if question.level_id == data["level"].pk:
                return False
            question.level = data["level"]
            question.save(update_fields=["level", "updated"])
            return True

        return self._bulk_form(
            request, queryset, action="set_level", title="Set level", form_class=LevelChoiceForm,
            apply=apply, field="level",
        )  # fmt: skip

    add_topic = relation_action("topics", "topic", TopicChoiceForm, add=True)
    remove_topic = relation_action("topics", "topic", TopicChoiceForm, add=False)
    add_company = relation_action("companies", "company", CompanyChoiceForm, add=True)
    remove_company = relation_action("companies", "company", CompanyChoiceForm, add=False)

    @admin.action(description="Export selected questions to YAML", permissions=["view"])
    def export_yaml(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        text = exporter.dump(exporter.bank_data(Question.objects.filter(pk__in=ids)))
        response = HttpResponse(text, content_type="application/x-yaml; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="questions.yaml"'
        return response

    # --- YAML import: upload, preview, confirm ----------------------------------------------

    def get_urls(self):
        extra = [
            path("import/", self.admin_site.admin_view(self.import_view), name="questions_question_import"),
        ]
        return extra + super().get_urls()

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("questions.import_questions")

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": self.has_import_permission(request)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponseBase:
        """Upload a YAML file, preview what it would change (or every problem), then confirm.

        Between Preview and Confirm the file waits in the database (``PendingImport``),
        so the Confirm may reach another app server than the Preview did.
        """
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirm(request)
        context = self._import_context(request)
        form = ImportForm(request.POST or None, request.FILES or None)
        context["form"] = form
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(importer.MAX_UPLOAD_BYTES + 1)
            bank = importer.load_bytes(data, upload.name)
            context.update(bank=bank, name=upload.name)
            if bank.ok:
                report = importer.apply(bank, write=False)
                pending = PendingImport.start(user=request.user, name=upload.name, data=data)
                index = curation.PromptIndex.from_db()
                duplicates = [
                    (
                        slug,
                        bank.items["questions"][slug].data["prompt"],
                        index.similar(bank.items["questions"][slug].data["prompt"], exclude_slug=slug),
                    )
                    for slug in report.created
                ]
                context.update(report=report, token=pending.token, duplicates=[d for d in duplicates if d[2]])
        return TemplateResponse(request, "admin/questions/question/import.html", context)

    def _import_context(self, request: HttpRequest) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": "Import questions from YAML",
            "opts": self.model._meta,
        }

    def _import_confirm(self, request: HttpRequest) -> HttpResponseBase:
        token = request.POST.get("token", "")
        pending = (
            PendingImport.objects.live().filter(token=token, user=request.user).first()
            if IMPORT_TOKEN.match(token)
            else None
        )
        if pending is None:
            # Expired, already imported, or someone else's: the same answer for each.
            self.message_user(request, "That import has expired; upload the file again.", messages.ERROR)
            return redirect("admin:questions_question_import")
        bank = importer.load_bytes(bytes(pending.data), pending.name)
        if not bank.ok:
            # The database changed since the preview: show the problems instead of writing anything.
            context = {
                **self._import_context(request),
                "bank": bank,
                "name": pending.name,
                "form": ImportForm(),
            }
            return TemplateResponse(request, "admin/questions/question/import.html", context)
        report = importer.apply(bank, claim=pending.claim)
        if report is None:
            # A second confirm of the same preview (a double click, another tab) lost the race.
            self.message_user(request, "That import has expired; upload the file again.", messages.ERROR)
            return redirect("admin:questions_question_import")
        for flag, slugs, message in (
            (ADDITION, report.created, "Imported from YAML"),
            (CHANGE, report.updated, "Updated from YAML"),
        ):
            if slugs:
                LogEntry.objects.log_actions(
                    request.user.pk,
                    list(Question.objects.filter(slug__in=slugs)),
                    flag,
                    change_message=message,
                )
        self.message_user(
            request,
            f"Imported {pending.name}: " + "; ".join(report.lines()),
            messages.SUCCESS,
        )
        return redirect("admin:questions_question_changelist")
