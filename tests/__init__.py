from pathlib import Path

# The repository the tests run from (the pipeline itself may run from an installed wheel).
REPOSITORY = Path(__file__).resolve().parent.parent
