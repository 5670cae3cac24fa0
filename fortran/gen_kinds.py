#!/usr/bin/env python3
"""Regenerate the kind x rank specifics of fortran/dlops.F90 (between the GENERATED markers).

The typed local views (dlops_darray_get_local / restore_local for 4 kinds x ranks 1..4) and the
kind-generic buffers of scatter / gather / add_ghost_cells are the same code repeated, so they are
written by this script. Run it after editing a template below:  python3 fortran/gen_kinds.py
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
  end interface dlops_darray_add_ghost_cells"""

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
                         ghost=mp([f"f_add_ghost_cells_{k}" for k, _, _ in KINDS]))
    procs = []
    for k, T, D in KINDS:
        for r in RANKS:
            procs.append(GET.format(k=k, T=T, D=D, r=r, colons=",".join([":"] * r)))
        procs.append(MOVE.format(k=k, T=T, D=D))
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
