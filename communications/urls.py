from django.urls import path

from communications import views, views_board, views_bulk, views_counterparty, views_lists, views_mentions
from companies.saved_views import opens_default_view

app_name = "communications"

urlpatterns = [
    path("partners/counterparties/", views_counterparty.counterparty_list, name="counterparties"),
    path("partners/counterparties/promote/", views_counterparty.counterparty_promote_view, name="promote"),
    path("threads/", opens_default_view("threads")(views.thread_list), name="thread_list"),
    path("threads/new/", views.thread_create, name="thread_create"),
    path("threads/<id:pk>/", views.thread_detail, name="thread"),
    path("threads/<id:pk>/edit/", views.thread_edit, name="thread_edit"),
    path(
        "communications/",
        opens_default_view("communications")(views_lists.communication_list),
        name="communication_list",
    ),
    path("communications/export.csv", views_lists.communication_export, name="communication_export"),
    path("communications/bulk/", views_bulk.communication_bulk, name="communication_bulk"),
    path("communications/new/", views.communication_create, name="communication_create"),
    path("communications/<id:pk>/", views.communication_detail, name="communication"),
    path("communications/<id:pk>/edit/", views.communication_edit, name="communication_edit"),
    path("communications/<id:pk>/copy-to-task/", views.copy_to_task, name="copy_to_task"),
    path("tasks/", opens_default_view("tasks")(views_lists.task_list), name="task_list"),
    path("tasks/export.csv", views_lists.task_export, name="task_export"),
    path("tasks/bulk/", views_bulk.task_bulk, name="task_bulk"),
    path("tasks/board/", opens_default_view("task_board")(views_board.task_board), name="task_board"),
    path("tasks/<id:pk>/status/", views_board.task_move, name="task_move"),
    path("tasks/new/", views.task_create, name="task_create"),
    path("tasks/<id:pk>/", views.task_detail, name="task"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task_edit"),
    path("attachments/<id:pk>/", views.attachment_download, name="attachment"),
    path(
        "notifications/", opens_default_view("notifications")(views.notification_list), name="notifications"
    ),
    path("notifications/<id:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("live/", views.live, name="live"),
    path("mentions/search/", views_mentions.mention_search, name="mention_search"),
]
