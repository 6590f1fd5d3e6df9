"""The demo authority's leaving_care (to be built). Called by demo.generator after demo.care:
`LeavingCare(generator).run()` returns {what: how many}. Its random stream is its own."""


class LeavingCare:
    def __init__(self, generator):
        self.g = generator

    def run(self):
        return {}
