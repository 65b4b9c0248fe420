"""The pure core: values, rules and rendering to text. No I/O, no libcst, git, typer or rich."""
