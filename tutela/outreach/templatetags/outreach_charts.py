"""``{% reach_age_chart reach %}``: children reached by age band (``outreach.charts``), chart and table."""

from django import template

from tutela.outreach import charts

register = template.Library()


@register.inclusion_tag("outreach/_reach_age_chart.html")
def reach_age_chart(reach):
    return {"chart": charts.age_bands(reach), "suppressed_below": reach.get("suppressed_below")}
