"""Burt's constraint on U, vectorised with scipy sparse matrices.

Same definition as ``networkx.constraint`` on an unweighted undirected graph:
p_ij = 1/deg(i) for each neighbour j (proportional tie strength, mutual weight 1 + 1),
c_i = sum_{j in N(i)} (p_ij + sum_{q in N(i), q != i, j} p_iq p_qj)^2, NaN for isolates.
With P = D^-1 A the indirect term is (P @ P)_ij (p_ii = p_jj = 0 drop q = i, j), so
c = rowsum(((P + P @ P) ∘ A)^2). networkx takes minutes at 13k people; this takes < 1 s.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp


def burt_constraint(adjacency_u: sp.spmatrix) -> np.ndarray:
    """Constraint of every node of the symmetric 0/1 adjacency ``adjacency_u``; NaN for isolates."""
    a = sp.csr_matrix(adjacency_u, dtype=np.float64)
    a.data[:] = 1.0
    degree = np.asarray(a.sum(axis=1)).ravel()
    inv = np.divide(1.0, degree, out=np.zeros_like(degree), where=degree > 0)
    p = sp.diags(inv) @ a
    indirect = (p @ p).multiply(a)  # only the entries where j is a neighbour of i count
    local = (p + indirect).tocsr()
    local.data **= 2
    result = np.asarray(local.sum(axis=1)).ravel()
    result[degree == 0] = np.nan
    return result
