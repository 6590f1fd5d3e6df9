"""The demo authority's early_help (to be built). Called by demo.generator after demo.care:
`EarlyHelp(generator).run()` returns {what: how many}. Its random stream is its own."""


class EarlyHelp:
    def __init__(self, generator):
        self.g = generator

    def run(self):
        return {}
