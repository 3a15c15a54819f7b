"""Text: language identification, normalisation, segmentation, the lexicon coder, the trained
classifier and extraction of dates, places and statuses — in Russian, Kyrgyz, Tajik and English.
"""
