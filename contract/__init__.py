"""The landing contract as data: the sources, their fields, types and rules (`sources`), and
the typing and validation SQL generated from them (`validation`).

The pipeline ingests against it and the simulator writes to it, so both import this package
and neither imports the other. It imports nothing of the project: it is the bottom layer.
"""
