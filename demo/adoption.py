"""The demo authority's adoption (to be built). Called by demo.generator after demo.care:
`Adoption(generator).run()` returns {what: how many}. Its random stream is its own."""


class Adoption:
    def __init__(self, generator):
        self.g = generator

    def run(self):
        return {}
