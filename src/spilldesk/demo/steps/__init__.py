"""The steps of one incident's response, which the demo's stages run on the 2022 timeline."""
