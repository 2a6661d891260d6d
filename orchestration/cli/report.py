"""`campaign-warehouse report`: one self-contained HTML page of charts over the published marts.

It reads `serving.duckdb` read-only, like any BI tool, so it never competes with a run for the
working database and always shows a build that passed its blocking checks. plotly.js is
embedded once, inline, so the page opens offline and can be mailed as one file.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

# Chart ids double as the element ids the page gives each chart's div (the test finds them).
CHART_IDS = ("funnel", "daily", "failures", "channels", "senders")

DELIVERED, UNDELIVERED, PENDING = "#2e7d32", "#c62828", "#f9a825"

SUMMARY_SQL = """
select campaign_id, campaign_name, channel, workspace_id, campaign_status,
    messages_sent, messages_delivered, messages_undelivered, messages_delivery_pending,
    delivery_rate, as_of
from marts.mart_campaign_summary
where $campaign is null or campaign_id = $campaign
order by messages_sent desc, campaign_id
"""

FUNNEL_SQL = """
select step_id, step_name, step_type, step_order, parent_step_id, branch_label,
    contacts_reached, parent_contacts_reached, dropoff_rate, messages_sent, conversions
from marts.mart_campaign_step_funnel
where campaign_id = $campaign
order by step_order, step_id
"""

DAILY_SQL = """
select activity_date,
    sum(messages_delivered)::bigint as messages_delivered,
    sum(messages_undelivered)::bigint as messages_undelivered,
    sum(messages_delivery_pending)::bigint as messages_delivery_pending
from marts.mart_campaign_daily
where $campaign is null or campaign_id = $campaign
group by activity_date
order by activity_date
"""

TIMEZONES_SQL = """
select distinct reporting_timezone
from marts.mart_campaign_daily
where ($campaign is null or campaign_id = $campaign) and reporting_timezone is not null
order by reporting_timezone
"""

FAILURES_SQL = """
select stage, reason, sum(messages)::bigint as messages
from marts.mart_failure_reasons
where $campaign is null or campaign_id = $campaign
group by stage, reason
order by stage, messages desc, reason
"""

CHANNELS_SQL = """
select channel,
    sum(messages_sent)::bigint as messages_sent,
    sum(messages_delivered)::bigint as messages_delivered,
    sum(messages_undelivered)::bigint as messages_undelivered,
    sum(messages_delivery_pending)::bigint as messages_delivery_pending
from marts.mart_channel_daily
group by channel
order by messages_sent desc, channel
"""

SENDERS_SQL = """
select sender_id, coalesce(sender_name, sender_id) as sender_name, channel, workspace_id,
    messages_sent, messages_delivered, messages_undelivered, success_rate, delivery_health
from marts.mart_sender_performance
where messages_sent > 0
order by messages_sent desc, sender_id
"""


class ReportError(Exception):
    """A report the command refuses to write, with a one-line reason."""


@dataclass(frozen=True)
class ReportData:
    """The mart frames one page is drawn from.

    `campaign_id` is the campaign the page is restricted to, None for all campaigns;
    `funnel_campaign` is the campaign whose funnel is drawn (the largest one when the page
    covers all campaigns, since a flow's steps belong to one campaign). `channels` and
    `senders` are None on a campaign's page: those marts are not split by campaign.
    """

    campaign_id: str | None
    campaigns: pd.DataFrame
    funnel_campaign: str | None
    funnel: pd.DataFrame
    daily: pd.DataFrame
    timezones: list[str]
    failures: pd.DataFrame
    channels: pd.DataFrame | None
    senders: pd.DataFrame | None


def _frame(conn: duckdb.DuckDBPyConnection, sql: str, campaign: str | None) -> pd.DataFrame:
    return conn.execute(sql, {"campaign": campaign}).df()


def load_report_data(serving_db: Path, campaign_id: str | None = None) -> ReportData:
    """Read the marts of one page; refuses a missing warehouse or an unknown campaign."""
    if not serving_db.exists():
        raise ReportError(f"no published marts at {serving_db}: run the pipeline first")
    with duckdb.connect(str(serving_db), read_only=True) as conn:
        campaigns = _frame(conn, SUMMARY_SQL, campaign_id)
        if campaign_id is not None and campaigns.empty:
            raise ReportError(f"unknown campaign {campaign_id!r}: not in the published marts")
        funnel_campaign = str(campaigns["campaign_id"].iloc[0]) if len(campaigns) else None
        funnel = (
            conn.execute(FUNNEL_SQL, {"campaign": funnel_campaign}).df()
            if funnel_campaign is not None
            else pd.DataFrame()
        )
        zones = conn.execute(TIMEZONES_SQL, {"campaign": campaign_id}).fetchall()
        return ReportData(
            campaign_id=campaign_id,
            campaigns=campaigns,
            funnel_campaign=funnel_campaign,
            funnel=funnel,
            daily=_frame(conn, DAILY_SQL, campaign_id),
            timezones=[zone for (zone,) in zones],
            failures=_frame(conn, FAILURES_SQL, campaign_id),
            channels=None if campaign_id else conn.execute(CHANNELS_SQL).df(),
            senders=None if campaign_id else conn.execute(SENDERS_SQL).df(),
        )


def _text(value: object) -> str:
    """Plotly reads a few HTML tags and entities in its text; names are shown as written."""
    return html.escape(str(value), quote=False)


def _layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 460) -> None:
    fig.update_layout(
        title={"text": title, "x": 0.01, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=y_title,
        height=height,
        template="plotly_white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 1, "xanchor": "right"},
        margin={"l": 80, "r": 40, "t": 90, "b": 70},
        font={"size": 13},
    )


def _empty(fig: go.Figure, message: str) -> go.Figure:
    """A chart with nothing to draw says so instead of showing empty axes."""
    fig.add_annotation(
        text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5, font_size=16
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _whole_counts(fig: go.Figure, axis: str, top: float) -> None:
    """Counts are whole: a small axis gets a tick per message, not ticks at 0.5."""
    if top <= 10:
        fig.update_layout({f"{axis}axis": {"dtick": 1, "tickformat": "d"}})


def _step_label(step: pd.Series) -> str:
    branch = f" [{step['branch_label']}]" if pd.notna(step["branch_label"]) else ""
    name = step["step_name"] if pd.notna(step["step_name"]) else step["step_id"]
    return _text(f"{step['step_order']}. {name}{branch} ({step['step_type']})")


def _dropoff(rate: float, parent: float) -> str:
    if pd.isna(parent):
        return "top of the flow"
    if pd.isna(rate):  # the parent step reached nobody: no share to take
        return f"parent reached {int(parent)}"
    return f"drop-off {rate:.1%} of {int(parent)}"


def funnel_figure(funnel: pd.DataFrame, campaign_label: str) -> go.Figure:
    """Contacts reaching each step, top of the flow first, with the drop-off from its parent.

    A flow branches, so a step's drop-off is against its parent step, not the bar above it.
    """
    fig = go.Figure()
    title = f"Step funnel of {_text(campaign_label)}: contacts reaching each step"
    height = max(360, 120 + 48 * len(funnel))
    _layout(fig, title, "contacts reached", "step (order. name [branch] (type))", height)
    if funnel.empty:
        return _empty(fig, "no steps in the published funnel")
    labels = funnel.apply(_step_label, axis=1)
    # Bars are placed by label: two steps alike in every shown field keep a bar each.
    labels = labels.where(~labels.duplicated(keep=False), labels + " " + funnel["step_id"])
    dropoff = [
        _dropoff(rate, parent)
        for rate, parent in zip(
            funnel["dropoff_rate"], funnel["parent_contacts_reached"], strict=True
        )
    ]
    fig.add_bar(
        name="contacts reached",
        x=funnel["contacts_reached"],
        y=labels,
        orientation="h",
        marker_color="#1565c0",
        text=[f"{int(n)} · {d}" for n, d in zip(funnel["contacts_reached"], dropoff, strict=True)],
        textposition="auto",
        customdata=funnel[["messages_sent", "conversions"]],
        hovertemplate="%{y}<br>contacts reached: %{x}<br>messages sent: %{customdata[0]}"
        "<br>conversions: %{customdata[1]}<extra></extra>",
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    _whole_counts(fig, "x", float(funnel["contacts_reached"].max()))
    return fig


def daily_figure(daily: pd.DataFrame, timezones: list[str]) -> go.Figure:
    """Delivered, undelivered and pending messages per local day; days without activity are 0."""
    zones = ", ".join(timezones) if timezones else "no activity"
    where = "the workspace's" if len(timezones) <= 1 else "each workspace's"
    fig = go.Figure()
    _layout(
        fig,
        f"Daily delivered, undelivered and pending messages ({where} local day: {zones})",
        f"day ({zones})",
        "messages",
    )
    if daily.empty:
        return _empty(fig, "no daily activity in the published marts")
    days = pd.date_range(daily["activity_date"].min(), daily["activity_date"].max(), freq="D")
    filled = (
        daily.assign(activity_date=pd.to_datetime(daily["activity_date"]))
        .set_index("activity_date")
        .reindex(days, fill_value=0)
    )
    series = (
        ("messages_delivered", "delivered (by delivery day)", DELIVERED),
        ("messages_undelivered", "undelivered (by failure or timeout day)", UNDELIVERED),
        ("messages_delivery_pending", "pending (by send day)", PENDING),
    )
    for column, name, color in series:
        fig.add_scatter(
            name=name,
            x=filled.index,
            y=filled[column],
            mode="lines+markers",
            line={"color": color, "width": 2},
            marker={"size": 5},
        )
    fig.update_xaxes(tickformat="%Y-%m-%d")
    _whole_counts(fig, "y", float(filled.max().max()))
    return fig


def failures_figure(failures: pd.DataFrame) -> go.Figure:
    """Dropped and undelivered messages by reason, the most frequent reason on top."""
    fig = go.Figure()
    height = max(360, 140 + 30 * failures["reason"].nunique() if len(failures) else 0)
    _layout(fig, "Failure reasons: dropped and undelivered messages", "messages", "reason", height)
    if failures.empty:
        return _empty(fig, "no dropped or undelivered messages")
    order = failures.groupby("reason")["messages"].sum().sort_values(ascending=False).index
    colors = {"dropped": "#6a1b9a", "undelivered": UNDELIVERED}
    for stage, rows in failures.groupby("stage", sort=True):
        fig.add_bar(
            name=f"{stage}",
            x=rows["messages"],
            y=[_text(r) for r in rows["reason"]],
            orientation="h",
            marker_color=colors.get(str(stage), "#546e7a"),
            hovertemplate=f"{stage}: %{{y}}<br>messages: %{{x}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", legend_traceorder="normal")
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=[_text(r) for r in order],
        autorange="reversed",
        automargin=True,
    )
    _whole_counts(fig, "x", float(failures.groupby("reason")["messages"].sum().max()))
    return fig


def _stacked_outcomes(
    fig: go.Figure, frame: pd.DataFrame, labels: list[str], horizontal: bool = False
) -> None:
    outcomes = (
        ("messages_delivered", "delivered", DELIVERED),
        ("messages_undelivered", "undelivered", UNDELIVERED),
        ("messages_delivery_pending", "pending", PENDING),
    )
    for column, name, color in outcomes:
        if column not in frame:
            continue
        if horizontal:
            fig.add_bar(name=name, x=frame[column], y=labels, orientation="h", marker_color=color)
        else:
            fig.add_bar(name=name, x=labels, y=frame[column], marker_color=color)
    # Plotly lists stacked traces bottom-up by default; the legend reads in outcome order.
    fig.update_layout(barmode="stack", legend_traceorder="normal")


def channels_figure(channels: pd.DataFrame) -> go.Figure:
    """Each channel's messages by outcome, over all campaigns and days."""
    fig = go.Figure()
    _layout(fig, "Channels: messages by delivery outcome (all campaigns)", "channel", "messages")
    if channels.empty:
        return _empty(fig, "no messages in the published marts")
    _stacked_outcomes(fig, channels, [_text(c) for c in channels["channel"]])
    _whole_counts(fig, "y", float(channels["messages_sent"].max()))
    return fig


def senders_figure(senders: pd.DataFrame) -> go.Figure:
    """Each sender's delivered and undelivered messages, labelled with its success rate.

    Pending messages are left out: the success rate (delivered over delivered + undelivered)
    does not count them either, so the bars and the label agree.
    """
    fig = go.Figure()
    _layout(
        fig,
        "Senders that sent: delivered and undelivered messages, success rate at the end",
        "messages",
        "sender (channel)",
        height=max(360, 140 + 26 * len(senders)),
    )
    if senders.empty:
        return _empty(fig, "no sender sent a message")
    labels = [
        _text(f"{name} ({channel})")
        for name, channel in zip(senders["sender_name"], senders["channel"], strict=True)
    ]
    _stacked_outcomes(
        fig,
        senders.drop(columns=["messages_delivery_pending"], errors="ignore"),
        labels,
        horizontal=True,
    )
    decided = senders["messages_delivered"] + senders["messages_undelivered"]
    fig.add_scatter(
        name="success rate",
        x=decided,
        y=labels,
        mode="text",
        text=["n/a" if pd.isna(rate) else f" {rate:.0%}" for rate in senders["success_rate"]],
        textposition="middle right",
        hoverinfo="skip",
        showlegend=False,
    )
    # Room on the right for the rate printed past the longest bar.
    fig.update_xaxes(range=[0, float(decided.max()) * 1.1 or 1])
    fig.update_yaxes(autorange="reversed", automargin=True)
    _whole_counts(fig, "x", float(decided.max()))
    return fig


def _campaign_label(data: ReportData, campaign_id: str | None) -> str:
    rows = data.campaigns[data.campaigns["campaign_id"] == campaign_id]
    if rows.empty or pd.isna(rows["campaign_name"].iloc[0]):
        return str(campaign_id)
    return f"{rows['campaign_name'].iloc[0]} ({campaign_id})"


def figures(data: ReportData) -> dict[str, go.Figure]:
    """The page's charts by id, in page order; a campaign's page has no comparisons."""
    charts = {
        "funnel": funnel_figure(data.funnel, _campaign_label(data, data.funnel_campaign)),
        "daily": daily_figure(data.daily, data.timezones),
        "failures": failures_figure(data.failures),
    }
    if data.channels is not None:
        charts["channels"] = channels_figure(data.channels)
    if data.senders is not None:
        charts["senders"] = senders_figure(data.senders)
    return charts


_CSS = """
body { font-family: system-ui, sans-serif; margin: 24px auto; max-width: 1300px; color: #222; }
h1 { margin-bottom: 4px; }
p.meta { color: #555; margin-top: 0; }
section { margin: 28px 0; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
th:nth-child(-n+4), td:nth-child(-n+4) { text-align: left; }
"""

_TABLE_COLUMNS = {
    "campaign_id": "campaign",
    "campaign_name": "name",
    "channel": "channel",
    "workspace_id": "workspace",
    "messages_sent": "sent",
    "messages_delivered": "delivered",
    "messages_undelivered": "undelivered",
    "messages_delivery_pending": "pending",
    "delivery_rate": "delivery rate",
}


def _campaign_table(campaigns: pd.DataFrame) -> str:
    table = campaigns[list(_TABLE_COLUMNS)].rename(columns=_TABLE_COLUMNS)
    table["delivery rate"] = table["delivery rate"].map(
        lambda rate: "" if pd.isna(rate) else f"{rate:.1%}"
    )
    return table.to_html(index=False, escape=True, na_rep="", border=0)


def render_report(data: ReportData) -> str:
    """The page: plotly.js once in the head, then one div per chart (ids `chart-<id>`)."""
    as_of = data.campaigns["as_of"].max() if len(data.campaigns) else None
    if data.campaign_id is None:
        heading = "All campaigns"
        scope = (
            "Every campaign of the published marts. The funnel is the largest campaign's "
            "(most messages sent); <code>campaign-warehouse report --campaign ID</code> "
            "draws another's."
        )
    else:
        heading = _text(_campaign_label(data, data.campaign_id))
        scope = (
            "This campaign only. Channel and sender comparisons are on the all-campaigns "
            "report: their marts are not split by campaign."
        )
    sections = []
    for chart_id, fig in figures(data).items():
        div = fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{chart_id}",
            config={"displaylogo": False, "responsive": True},
        )
        sections.append(f'<section class="chart">{div}</section>')
    if data.campaign_id is None and len(data.campaigns):
        sections.append(f"<section><h2>Campaigns</h2>{_campaign_table(data.campaigns)}</section>")
    as_of_text = f"as of {as_of}" if as_of is not None and pd.notna(as_of) else "no campaigns"
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>Campaign report: {heading}</title>",
            f"<style>{_CSS}</style>",
            f'<script type="text/javascript">{get_plotlyjs()}</script>',
            "</head><body>",
            f"<h1>Campaign report: {heading}</h1>",
            f'<p class="meta">Published marts {_text(as_of_text)}. {scope}</p>',
            *sections,
            "</body></html>",
        ]
    )


def write_report(serving_db: Path, out: Path, campaign_id: str | None = None) -> Path:
    """Write the page to `out` (its folder is created) and return its path."""
    page = render_report(load_report_data(serving_db, campaign_id))
    out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside and renamed, so a browser refreshing the page never reads half of it.
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out
