"""The shared crawl frontier on Redis: any number of crawler workers share one crawl.

``connection``: frontier URLs and keys; ``queue``: per-host queues with global politeness and
leased in-flight requests; ``scheduler``/``dupefilter``: the scrapy-redis scheduler and
dupefilter, extended; ``robots``: robots.txt fetched once per host per crawl;
``seed``: the start requests, sent by one worker; ``seen``: what earlier runs stored;
``scrapy_hooks``: the one place that touches Scrapy internals; ``coordinator`` and
``worker``: starting a crawl and joining one. See docs/scaling.md.
"""
