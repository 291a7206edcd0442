from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Company, KeyPoint, Level, Question, Sighting, Source, Topic


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rank"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "url"]
    search_fields = ["title", "slug"]


class KeyPointInline(admin.TabularInline):
    model = KeyPoint
    extra = 1
    min_num = 1
    ordering = ["position"]


class SightingInline(admin.TabularInline):
    model = Sighting
    extra = 0
    autocomplete_fields = ["source"]
    verbose_name = "sighting in a source guide"


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "level", "topic_list", "company_list", "status", "seen_count"]
    list_filter = ["status", "level", "topics", "companies"]
    list_select_related = ["level"]
    search_fields = ["prompt", "answer", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    filter_horizontal = ["topics", "companies"]
    inlines = [KeyPointInline, SightingInline]
    actions = ["publish", "unpublish"]
    list_per_page = 50
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["slug", "prompt", "status", "level", "topics", "companies"]}),
        ("Answer", {"fields": ["answer", "why_asked", "pitfall"]}),
        ("History", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Question]:
        # Prefetch and annotate so the changelist costs the same queries for 10 or 10,000 rows.
        return super().get_queryset(request).prefetch_related("topics", "companies").with_seen_count()

    @admin.display(description="topics")
    def topic_list(self, question: Question) -> str:
        return ", ".join(t.name for t in question.topics.all())

    @admin.display(description="companies")
    def company_list(self, question: Question) -> str:
        return ", ".join(c.name for c in question.companies.all())

    @admin.display(description="seen in", ordering="seen_count")
    def seen_count(self, question: Question) -> int:
        return question.seen_count

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
            # Recorded in each question's admin history.
            self.log_change(request, question, [{"changed": {"fields": ["status"]}}])
        label = Question.Status(status).label.lower()
        self.message_user(request, f"{len(changed)} question(s) marked {label}.", messages.SUCCESS)
