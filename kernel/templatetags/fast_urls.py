"""The `{% url %}` tag, with the same syntax and output as Django's, through
`kernel.reversing.reverse_ids` when it is given ids only (positional whole numbers): a builtin
of the template engine (settings.TEMPLATES), so every template's `{% url %}` is this one."""

from typing import Any

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape

from kernel.reversing import reverse_ids

register = template.Library()


class IdsURLNode(defaulttags.URLNode):
    def render(self, context: Any) -> str:
        if self.kwargs:
            return super().render(context)  # Django's own, keyword arguments and all
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = reverse_ids(view_name, args, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Any, token: Any) -> IdsURLNode:
    node = defaulttags.url(parser, token)
    return IdsURLNode(node.view_name, node.args, node.kwargs, node.asvar)
