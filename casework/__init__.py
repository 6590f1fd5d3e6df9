"""Case work: what every stage does to a child's case, below the stages and above the shared
records (docs/decisions/0002-layers.md). The child-in-need episode and its locking, closed-episode
checks, the allocation that says who holds the episode, and issuing and meeting the due dates of
an episode. It imports no stage: it works on the episode it is given and reaches the episode's
allocations through the episode's own relation."""
