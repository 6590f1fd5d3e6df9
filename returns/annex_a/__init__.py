"""Annex A (Ofsted inspection lists): the lists, their parts for early help, adoption and care
leavers, and their pages."""
