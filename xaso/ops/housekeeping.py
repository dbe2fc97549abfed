"""The daily clean-up (`manage.py housekeeping`, run by deploy/systemd/xaso-housekeeping.timer).

Every step is one bounded delete or update, safe to run at any hour and any number of times:
- expired sessions (`clearsessions`);
- background imports and exports a crashed worker left running are marked failed (their transaction rolled back);
  finished imports older than `XASO_IMPORT_JOB_DAYS` days are deleted with their reports, exported files older
  than `XASO_REPORT_FILE_DAYS` days are deleted; a register import left waiting for its column mapping (or stopped)
  for a day is marked failed and its upload deleted;
- login records hold personal data (an account name, an address, a browser): successful logins
  (axes' access log) and failed ones (its failure log) are kept `XASO_LOGIN_LOG_DAYS` days (Law 91/2025/QH15:
  kept no longer than needed); the attempts that count towards a lock-out are deleted once they are out of the
  cool-off window and so count for nothing;
- API keys past their lifetime (`XASO_API_TOKEN_DAYS`);
- census households nobody confirmed for `XASO_CENSUS_RETENTION_DAYS` days (members and history with them, their
  villages' figures re-aggregated) and personal-data access-log rows older than `XASO_ACCESS_LOG_DAYS` days
  (docs/decisions/0034-personal-data.md);
- on PostgreSQL, the yearly partitions of the figure and history tables up to next year
  (docs/decisions/0025-partitioned-values.md; `migrate` makes them too).
"""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module

from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from xaso.accounts.authentication import token_lifetime
from xaso.accounts.models import ApiKey
from xaso.census.services import households_retention_cleanup
from xaso.feedback.services import feedback_contacts_cleanup
from xaso.indicators.importjobs import import_jobs_cleanup
from xaso.indicators.models import ImportJob
from xaso.indicators.partitions import partitions_ensure
from xaso.notify.services import notify_records_cleanup
from xaso.privacy.services import access_logs_cleanup
from xaso.registers.services import register_imports_cleanup
from xaso.reports.services import report_jobs_cleanup


def housekeeping_run() -> dict[str, int]:
    """Run every step; returns how many records each step removed or changed, by step name."""
    now = timezone.now()
    done: dict[str, int] = {}
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    done["imports_stale"] = import_jobs_cleanup()
    old_imports = ImportJob.objects.filter(finished_at__lt=now - timedelta(days=settings.XASO_IMPORT_JOB_DAYS))
    for job in old_imports.exclude(upload=""):  # a file the run should have deleted: never left without its record
        job.upload.delete(save=False)
    done["imports_deleted"] = old_imports.delete()[0]
    done["register_imports_stale"] = register_imports_cleanup()
    done["exports_stale"], done["export_files_deleted"] = report_jobs_cleanup(keep_days=settings.XASO_REPORT_FILE_DAYS)
    # attempts older than the cool-off window count towards no lock-out (xaso.accounts.lockout); axes' own clean-up
    # needs a request
    done["login_attempts_expired"] = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()[0]
    done["login_logs_deleted"] = AxesProxyHandler.reset_logs(age_days=settings.XASO_LOGIN_LOG_DAYS) or 0
    done["login_failures_deleted"] = AxesProxyHandler.reset_failure_logs(age_days=settings.XASO_LOGIN_LOG_DAYS) or 0
    done["api_keys_expired"] = ApiKey.objects.filter(created_at__lte=now - token_lifetime()).delete()[0]
    done["census_households_expired"] = households_retention_cleanup(now=now)
    done["access_logs_deleted"] = access_logs_cleanup(now=now)
    done["feedback_contacts_erased"] = feedback_contacts_cleanup(now=now)
    done["notify_records_deleted"] = notify_records_cleanup(now=now)
    done["partitions_created"] = len(partitions_ensure())
    return done
