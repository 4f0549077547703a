from archive.cli import cli

cli(prog_name="xxgk")
