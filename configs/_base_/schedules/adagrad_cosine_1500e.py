# DNANet's recipe (docs/networks.md §2a), also DSAD's
# (docs/paper-spec.md §1.6):
# Adagrad lr 0.05, cosine annealing to 1e-5 over 1500 epochs, batch 16.
# Loop, optimiser and hooks are those of the constant-rate recipe.
_base_ = './adagrad_1500e.py'
max_epochs = 1500
param_scheduler = [
    dict(
        type='CosineAnnealingLR',
        T_max=max_epochs,
        eta_min=1e-5,
        by_epoch=True,
        begin=0,
        end=max_epochs)
]
