"""The demo authority's pre-proceedings (to be built). Called by demo.generator after demo.care:
`PreProceedings(generator).run()` returns {what: how many}. Its random stream is its own."""


class PreProceedings:
    def __init__(self, generator):
        self.g = generator

    def run(self):
        return {}
