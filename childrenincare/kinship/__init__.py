"""Kinship care: carers and providers, the temporary approval of a connected person and its
extension, full approval as a foster carer, the end of an approval, and the child's family
network. `services` holds the rules and writes, `views`/`forms`/`urls` the pages (in the
childrenincare namespace)."""
