# DMFNet's recipe (docs/networks.md §2c): DNANet's schedule (Adagrad, cosine
# annealing to 1e-5 over 1500 epochs, batch 16) with lr 0.01 instead of 0.05.
_base_ = './adagrad_cosine_1500e.py'
optim_wrapper = dict(optimizer=dict(lr=0.01))
