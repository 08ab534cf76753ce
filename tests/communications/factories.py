"""Make threads, communications and tasks through the services (numbers, mentions, notifications)."""

from communications import services


def thread(company, owner, subject="Thread", **fields):
    return services.thread_create(company=company, owner=owner, subject=subject, **fields)


def communication(
    company, author, *, thread=None, direction="in", channel="email", subject="Subject", **fields
):
    return services.communication_create(
        company=company,
        author=author,
        thread=thread,
        direction=direction,
        channel=channel,
        subject=subject,
        **fields,
    )


def task(company, author, *, thread=None, subject="Task", **fields):
    return services.task_create(company=company, author=author, thread=thread, subject=subject, **fields)
