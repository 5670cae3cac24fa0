#!/usr/bin/env python3
"""Regenerate the kind x rank specifics of fortran/dlops.F90 (between the GENERATED markers).

The typed local views (dlops_darray_get_local / restore_local for 4 kinds x ranks 1..4), the
kind-generic buffers of scatter / gather / add_ghost_cells and of the operator creators taking data
(matrix, diagonal, convolve1d, matmul; x 2 integer kinds for their sizes) are the same code
repeated, so they are written by this script. Run it after editing a template below:  python3 fortran/gen_kinds.py
"""
import pathlib
import re

KINDS = [  # suffix, Fortran type, dtype constant
    ("f32", "real(c_float)", "DLOPS_F32"),
    ("f64", "real(c_double)", "DLOPS_F64"),
    ("c64", "complex(c_float_complex)", "DLOPS_C64"),
    ("c128", "complex(c_double_complex)", "DLOPS_C128"),
]
RANKS = [1, 2, 3, 4]

IFACE = """  !> dlops_darray_get_local(x, ptr [, ierr]): point ptr at this rank's local block (host memory).
  !> ptr is a pointer of the array's element kind (real(c_float), real(c_double),
  !> complex(c_float_complex), complex(c_double_complex)) and either of rank ndim, with the shape
  !> of the local block in Fortran order (the C local shape reversed), or of rank 1 (the flat
  !> block, for any ndim). A kind or rank that does not fit gives DLOPS_ERR_ARG and nothing is
  !> borrowed. Give the block back with dlops_darray_restore_local before dlops uses the array
  !> again. Local.
  interface dlops_darray_get_local
{all_get}
  end interface dlops_darray_get_local
{per_kind}
  !> dlops_darray_restore_local(x, ptr [, ierr]): give back the block from dlops_darray_get_local
  !> and nullify ptr. For BROADCAST arrays call dlops_darray_sync_broadcast after writing. Local.
  interface dlops_darray_restore_local
{all_restore}
  end interface dlops_darray_restore_local
  !> dlops_darray_scatter(x, global, root [, ierr]): fill x from a global array (any rank, of the
  !> element kind of x, with the global data in C order, i.e. the Fortran-shaped field). root >= 0:
  !> only rank root's buffer is read (others may pass a zero-size array); root = -1: every rank
  !> passes the same global array and keeps its own part. **Collective**.
  interface dlops_darray_scatter
{scatter}
  end interface dlops_darray_scatter
  !> dlops_darray_gather(x, global, root [, ierr]): gather the global array into global (any rank,
  !> at least the global size, element kind of x) on rank root, or on every rank when root = -1.
  !> Other ranks may pass a zero-size array. **Collective**.
  interface dlops_darray_gather
{gather}
  end interface dlops_darray_gather
  !> dlops_darray_add_ghost_cells(x, cells_front, cells_back, ghosted [, ierr]): this rank's local
  !> block extended with ghost slices from the neighbours along the distributed axis; ghosted has
  !> at least the size of dlops_darray_ghost_shape (in Fortran, the reversed shape). SCATTER
  !> arrays. **Collective**.
  interface dlops_darray_add_ghost_cells
{ghost}
  end interface dlops_darray_add_ghost_cells
  !> dlops_op_create_matrix(ctx, nrows, ncols, dtype, values, A [, ierr]): dense nrows x ncols
  !> matrix applied with BLAS gemv (adjoint: conjugate transpose). values holds the matrix in C
  !> (row-major) order, of the kind of dtype: a Fortran matrix m(nrows, ncols) is passed as
  !> transpose(m) (or any array whose memory is m row by row). Copied. nrows, ncols: default
  !> integer or integer(c_int64_t). One-rank context only.
  interface dlops_op_create_matrix
{matrix}
  end interface dlops_op_create_matrix
  !> dlops_op_create_diagonal(ctx, n, dtype, d, A [, ierr]): diagonal operator of global size n;
  !> d holds this rank's part (the local elements of the default split of n), of the kind of
  !> dtype. Copied. **Collective** (checks).
  interface dlops_op_create_diagonal
{diagonal}
  end interface dlops_op_create_diagonal
  !> dlops_op_create_convolve1d(ctx, dims, axis, h, offset, dtype, A [, ierr]): 1-D convolution
  !> with the filter h(:) (of the kind of dtype) along C axis `axis` of a model of C shape dims,
  !> centred at offset (PyLops Convolve1D, "direct"). dims and offset: default integer or
  !> integer(c_int64_t). One-rank context, or axis > 0 on a distributed model.
  interface dlops_op_create_convolve1d
{convolve1d}
  end interface dlops_op_create_convolve1d
  !> dlops_op_create_matmul(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A [, ierr]):
  !> distributed Y = A X (DLOPS_MATMUL_BLOCK or DLOPS_MATMUL_SUMMA, grid pr x pc, 0 x 0 = the
  !> most square grid). A_local is this rank's tile of A in C (row-major) order, of the kind of
  !> dtype: a Fortran tile t(rows, cols) is passed as transpose(t); a zero-size array when the
  !> tile is empty. Copied. The vectors' local parts are the X and Y tiles, row-major too, so a
  !> rank-1 pointer from dlops_darray_get_local reshaped to (cols, rows) is the transposed tile.
  !> N, K, M, nb: default integer or integer(c_int64_t). **Collective**.
  interface dlops_op_create_matmul
{matmul}
  end interface dlops_op_create_matmul"""

PER_KIND = """  !> dlops_darray_get_local_{k}(x, ptr [, ierr]): dlops_darray_get_local for {T} pointers only.
  interface dlops_darray_get_local_{k}
{specs}
  end interface dlops_darray_get_local_{k}"""

GET = """  subroutine f_get_local_{k}_{r}(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    {T}, pointer, intent(out) :: ptr({colons})
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    integer(c_int64_t) :: shp({r})
    integer(c_int) :: rc
    rc = f_get_view(x, {D}, {r}, cp, shp)
    if (rc == DLOPS_SUCCESS) then
      call c_f_pointer(cp, ptr, shp)
    else
      nullify (ptr)
    end if
    call f_check(rc, 'dlops_darray_get_local', ierr)
  end subroutine f_get_local_{k}_{r}
  subroutine f_restore_local_{k}_{r}(x, ptr, ierr)
    type(dlops_darray), intent(in) :: x
    {T}, pointer, intent(inout) :: ptr({colons})
    integer, intent(out), optional :: ierr
    integer(c_int) :: rc
    rc = f_restore_view(x)
    if (rc == DLOPS_SUCCESS) nullify (ptr)
    call f_check(rc, 'dlops_darray_restore_local', ierr)
  end subroutine f_restore_local_{k}_{r}"""

MOVE = """  subroutine f_scatter_{k}(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    {T}, intent(in), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, {D}, cp, size(global, kind=c_int64_t), root, 1), 'dlops_darray_scatter', ierr)
  end subroutine f_scatter_{k}
  subroutine f_gather_{k}(x, global, root, ierr)
    type(dlops_darray), intent(in) :: x
    {T}, intent(inout), target, contiguous :: global(..)
    integer, intent(in) :: root
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(global) > 0) cp = c_loc(global)
    call f_check(f_move(x, {D}, cp, size(global, kind=c_int64_t), root, 2), 'dlops_darray_gather', ierr)
  end subroutine f_gather_{k}
  subroutine f_add_ghost_cells_{k}(x, cells_front, cells_back, ghosted, ierr)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: cells_front, cells_back
    {T}, intent(inout), target, contiguous :: ghosted(..)
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(ghosted) > 0) cp = c_loc(ghosted)
    call f_check(f_ghost(x, cells_front, cells_back, {D}, cp, size(ghosted, kind=c_int64_t)), &
         'dlops_darray_add_ghost_cells', ierr)
  end subroutine f_add_ghost_cells_{k}"""

INTS = [("i8", "integer(c_int64_t)"), ("i4", "integer")]

OPS = """  subroutine f_op_matrix_{k}_{ik}(ctx, nrows, ncols, dtype, values, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    {I}, intent(in) :: nrows, ncols
    integer, intent(in) :: dtype
    {T}, intent(in), target, contiguous :: values(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(values) > 0) cp = c_loc(values)
    call f_check(f_matrix(ctx, int(nrows, c_int64_t), int(ncols, c_int64_t), dtype, {D}, cp, &
         size(values, kind=c_int64_t), A), 'dlops_op_create_matrix', ierr)
  end subroutine f_op_matrix_{k}_{ik}
  subroutine f_op_diagonal_{k}_{ik}(ctx, n, dtype, d, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    {I}, intent(in) :: n
    integer, intent(in) :: dtype
    {T}, intent(in), target, contiguous :: d(..)
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(d) > 0) cp = c_loc(d)
    call f_check(f_diagonal(ctx, int(n, c_int64_t), dtype, {D}, cp, size(d, kind=c_int64_t), A), &
         'dlops_op_create_diagonal', ierr)
  end subroutine f_op_diagonal_{k}_{ik}
  subroutine f_op_convolve1d_{k}_{ik}(ctx, dims, axis, h, offset, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    {I}, intent(in) :: dims(:)
    integer, intent(in) :: axis
    {T}, intent(in), target, contiguous :: h(:)
    {I}, intent(in) :: offset
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(h) > 0) cp = c_loc(h)
    call f_check(f_convolve1d(ctx, int(dims, c_int64_t), axis, {D}, cp, size(h, kind=c_int64_t), &
         int(offset, c_int64_t), dtype, A), 'dlops_op_create_convolve1d', ierr)
  end subroutine f_op_convolve1d_{k}_{ik}
  subroutine f_op_matmul_{k}_{ik}(ctx, kind, pr, pc, N, K, M, A_local, nb, dtype, A, ierr)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc
    {I}, intent(in) :: N, K, M
    {T}, intent(in), target, contiguous :: A_local(..)
    {I}, intent(in) :: nb
    integer, intent(in) :: dtype
    type(dlops_op), intent(inout) :: A
    integer, intent(out), optional :: ierr
    type(c_ptr) :: cp
    cp = c_null_ptr
    if (size(A_local) > 0) cp = c_loc(A_local)
    call f_check(f_matmul(ctx, kind, pr, pc, int(N, c_int64_t), int(K, c_int64_t), int(M, c_int64_t), {D}, cp, &
         size(A_local, kind=c_int64_t), int(nb, c_int64_t), dtype, A), 'dlops_op_create_matmul', ierr)
  end subroutine f_op_matmul_{k}_{ik}"""


def mp(names):
    return "\n".join("    module procedure " + n for n in names)


def main():
    path = pathlib.Path(__file__).with_name("dlops.F90")
    src = path.read_text()
    gets = [f"f_get_local_{k}_{r}" for k, _, _ in KINDS for r in RANKS]
    rests = [f"f_restore_local_{k}_{r}" for k, _, _ in KINDS for r in RANKS]
    per_kind = "\n".join(
        PER_KIND.format(k=k, T=T, specs=mp([f"f_get_local_{k}_{r}" for r in RANKS])) for k, T, _ in KINDS)
    iface = IFACE.format(all_get=mp(gets), all_restore=mp(rests), per_kind=per_kind,
                         scatter=mp([f"f_scatter_{k}" for k, _, _ in KINDS]),
                         gather=mp([f"f_gather_{k}" for k, _, _ in KINDS]),
                         ghost=mp([f"f_add_ghost_cells_{k}" for k, _, _ in KINDS]),
                         **{w: mp([f"f_op_{w}_{k}_{ik}" for k, _, _ in KINDS for ik, _ in INTS])
                            for w in ("matrix", "diagonal", "convolve1d", "matmul")})
    procs = []
    for k, T, D in KINDS:
        for r in RANKS:
            procs.append(GET.format(k=k, T=T, D=D, r=r, colons=",".join([":"] * r)))
        procs.append(MOVE.format(k=k, T=T, D=D))
        for ik, I in INTS:
            procs.append(OPS.format(k=k, T=T, D=D, ik=ik, I=I))
    procs = "\n\n".join(procs)

    def put(text, tag, body):
        pat = re.compile(rf"(  ! BEGIN GENERATED {tag} \(fortran/gen_kinds.py\)\n).*?(  ! END GENERATED {tag}\n)", re.S)
        assert pat.search(text), tag
        return pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)

    src = put(src, "INTERFACES", iface)
    src = put(src, "PROCEDURES", procs)
    path.write_text(src)


if __name__ == "__main__":
    main()
