"""Pictures and HTML reports (issue 11): pure functions from mart frames to PNG bytes and HTML.

Modules: ``inputs`` (the frame contracts and their errors), ``canvas`` (matplotlib set-up and PNG
encoding), ``groups`` (which countries are named, their colours), ``formatting`` (numbers in
words), ``layout`` (the participants' graph and its seeded layout), ``network_figures``,
``wave_charts`` and ``program_charts`` (the pictures), ``captions`` (sentences from the data),
``document`` (the HTML page, written atomically) and ``build`` (one wave's report, the program's).

Nothing here prints an employee id: people are dots, and a group of fewer than
``MIN_GROUP_SIZE`` people is never named.
"""
