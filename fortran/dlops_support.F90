!> module dlops_support: internal helpers of module dlops (error state and reporting, strings,
!> the borrow table of the typed local views, the checks of typed buffers), shared by the
!> generated wrappers (fortran/generated/) and the hand-written ones (dlops_manual.F90). Not part
!> of the API: use module dlops.
module dlops_support
  use, intrinsic :: iso_c_binding
  use, intrinsic :: iso_fortran_env, only: error_unit, output_unit
  use dlops_types
  use dlops_c
  implicit none
  public

  interface
    function c_strlen(s) bind(C, name='strlen') result(n)
      import :: c_ptr, c_size_t
      type(c_ptr), value :: s
      integer(c_size_t) :: n
    end function c_strlen
  end interface

  ! ------------------------------------------------------------------ private state
  !> message of the last error detected on the Fortran side (kind mismatch, bad rank, ...) and
  !> whether it is newer than the last C error
  character(len=:), allocatable, save :: f_errmsg
  logical, save :: f_err_pending = .false., f_err_fresh = .false.
  !> data pointers borrowed through the typed dlops_darray_get_local, by darray handle, so that
  !> restore works whatever the Fortran pointer became (even for empty local blocks)
  type :: f_borrow
    type(c_ptr) :: handle = c_null_ptr, data = c_null_ptr
  end type f_borrow
  type(f_borrow), allocatable, save :: f_borrows(:)
  !> a valid address for empty buffers (never read or written)
  real(c_double), target, save :: f_empty(1) = 0

contains


  ! ================================================================== error handling
  !> Finish a wrapper: hand rc to ierr, or on failure without ierr print the message once per job
  !> (dlops_print_error) and stop every rank with the error code as exit status.
  subroutine f_check(rc, where, ierr)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: where
    integer, intent(out), optional :: ierr
    integer(c_int64_t) :: t0, t, rate
    if (rc /= DLOPS_SUCCESS .and. .not. f_err_fresh) f_err_pending = .false.
    f_err_fresh = .false.
    if (present(ierr)) then
      ierr = int(rc)
      return
    end if
    if (rc == DLOPS_SUCCESS) return
    call f_report(rc, where)
    flush (error_unit)
    ! The message is printed by one rank only (rank 0 after a collective failure): a rank that
    ! stopped at once could make mpiexec kill the job before that rank has written it. Every rank
    ! therefore lingers half a second before it stops (an error exit only).
    call system_clock(t0, rate)
    do
      call system_clock(t)
      if (t - t0 >= rate / 2) exit
    end do
    ! The message is printed already: no "ERROR STOP" line, and no backtrace (gfortran's error
    ! stop prints "Error termination. Backtrace:", an empty one without debug information).
#if defined(__GFORTRAN__)
    stop int(rc), quiet=.true.
#else
    error stop int(rc)
#endif
  end subroutine f_check

  !> The message of an unhandled error, once: the C message names the code and the failing rank
  !> already, and after a collective call only rank 0 prints it (dlops_print_error in C).
  subroutine f_report(rc, where)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: where
    integer(c_int) :: r
    flush (output_unit)
    if (f_err_pending) then ! found on the Fortran side (local): the failing rank prints it
      write (error_unit, '(a,i0,5a)') 'dlops error ', rc, ' (', f_string(c_error_string(rc)), '): ', f_errmsg, &
           ' [' // where // ']'
    else
      r = c_print_error(rc)
    end if
  end subroutine f_report

  !> Print the last error's message on stderr once per job (see the C dlops_print_error): after a
  !> collective call, rank 0 prints it; after a local failure, the failing rank. Not collective.
  subroutine dlops_print_error(code)
    integer, intent(in) :: code
    if (code /= DLOPS_SUCCESS) call f_report(int(code, c_int), 'dlops')
  end subroutine dlops_print_error

  !> Record an error found on the Fortran side; returns its code.
  function f_error(code, msg) result(rc)
    integer(c_int), intent(in) :: code
    character(len=*), intent(in) :: msg
    integer(c_int) :: rc
    f_errmsg = msg
    f_err_pending = .true.
    f_err_fresh = .true.
    rc = code
  end function f_error

  ! ================================================================== strings
  !> Copy a NUL-terminated C string into a Fortran string ('' for a null pointer).
  function f_string(cp) result(s)
    type(c_ptr), intent(in) :: cp
    character(len=:), allocatable :: s
    character(kind=c_char), pointer :: a(:)
    integer :: i, n
    if (.not. c_associated(cp)) then
      s = ''
      return
    end if
    n = int(c_strlen(cp))
    call c_f_pointer(cp, a, [n])
    allocate (character(len=n) :: s)
    do i = 1, n
      s(i:i) = a(i)
    end do
  end function f_string

  !> A Fortran string as a NUL-terminated C string (trailing blanks dropped).
  pure function f_cstr(s) result(c)
    character(len=*), intent(in) :: s
    character(kind=c_char, len=len_trim(s) + 1) :: c
    c = trim(s) // c_null_char
  end function f_cstr

  function f_itoa(i) result(s)
    integer(c_int64_t), intent(in) :: i
    character(len=:), allocatable :: s
    character(len=24) :: b
    write (b, '(i0)') i
    s = trim(b)
  end function f_itoa

  !> The message of the most recent failure of this process, with file:line. Local.
  function dlops_last_error() result(s)
    character(len=:), allocatable :: s
    if (f_err_pending) then
      s = f_errmsg
    else
      s = f_string(c_last_error())
    end if
  end function dlops_last_error

  subroutine f_borrow_add(h, d)
    type(c_ptr), intent(in) :: h, d
    type(f_borrow), allocatable :: t(:)
    integer :: i
    if (.not. allocated(f_borrows)) allocate (f_borrows(8))
    do i = 1, size(f_borrows)
      if (.not. c_associated(f_borrows(i)%handle)) then
        f_borrows(i) = f_borrow(h, d)
        return
      end if
    end do
    allocate (t(2 * size(f_borrows)))
    t(1:size(f_borrows)) = f_borrows
    i = size(f_borrows) + 1
    call move_alloc(t, f_borrows)
    f_borrows(i) = f_borrow(h, d)
  end subroutine f_borrow_add

  function f_borrow_find(h) result(i)
    type(c_ptr), intent(in) :: h
    integer :: i
    if (allocated(f_borrows) .and. c_associated(h)) then
      do i = 1, size(f_borrows)
        if (c_associated(f_borrows(i)%handle, h)) return
      end do
    end if
    i = 0
  end function f_borrow_find

  subroutine f_borrow_drop(h)
    type(c_ptr), intent(in) :: h
    integer :: i
    i = f_borrow_find(h)
    if (i > 0) f_borrows(i) = f_borrow()
  end subroutine f_borrow_drop

  function f_kind_name(dtype) result(s)
    integer(c_int), intent(in) :: dtype
    character(len=:), allocatable :: s
    select case (dtype)
    case (DLOPS_F32)
      s = 'real(c_float)'
    case (DLOPS_F64)
      s = 'real(c_double)'
    case (DLOPS_C64)
      s = 'complex(c_float_complex)'
    case default
      s = 'complex(c_double_complex)'
    end select
  end function f_kind_name

  !> Borrow the local block of x for a Fortran pointer of element type dtype and rank prank:
  !> checks the kind and the rank, returns the data pointer and the Fortran (reversed) shape.
  function f_get_view(x, dtype, prank, cp, shp) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int), intent(in) :: dtype
    integer, intent(in) :: prank
    type(c_ptr), intent(out) :: cp
    integer(c_int64_t), intent(out) :: shp(prank)
    integer(c_int) :: rc, xt, nd
    integer(c_int64_t) :: ls(DLOPS_MAX_NDIM)
    cp = c_null_ptr
    shp = 0
    xt = -1
    nd = 0
    ls = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc /= DLOPS_SUCCESS) return
    if (xt /= dtype) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_get_local: the array holds ' // f_dtype_name(int(xt)) // &
           ' elements but the pointer is ' // f_kind_name(dtype) // ' (use a pointer of kind ' // &
           f_kind_name(xt) // ')')
      return
    end if
    rc = c_darray_get_local(x%ptr, DLOPS_MEM_HOST, cp)
    if (rc /= DLOPS_SUCCESS) return
    rc = c_darray_get_ndim(x%ptr, nd)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_local_shape(x%ptr, ls)
    if (rc == DLOPS_SUCCESS .and. prank /= 1 .and. prank /= nd) then
      rc = f_error(DLOPS_ERR_ARG, 'dlops_darray_get_local: the array has ' // f_itoa(int(nd, c_int64_t)) // &
           ' dimensions but the pointer has rank ' // f_itoa(int(prank, c_int64_t)) // &
           ' (use a pointer of that rank, or rank 1 for the flat local block)')
    end if
    if (rc /= DLOPS_SUCCESS) then
      ! give the block back; the error to report is the one above
      if (c_darray_restore_local(x%ptr, cp) /= DLOPS_SUCCESS) cp = c_null_ptr
      cp = c_null_ptr
      return
    end if
    if (prank == 1) then
      shp(1) = product(ls(1:nd))
    else
      shp = ls(nd:1:-1)
    end if
    call f_borrow_add(x%ptr, cp)
  end function f_get_view

  !> Return the block borrowed by f_get_view.
  function f_restore_view(x) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int) :: rc
    type(c_ptr) :: cp
    integer :: i
    i = f_borrow_find(x%ptr)
    if (i == 0) then
      rc = f_error(DLOPS_ERR_STATE, 'dlops_darray_restore_local: no local block of this array is borrowed ' // &
           'through dlops_darray_get_local')
      return
    end if
    cp = f_borrows(i)%data
    rc = c_darray_restore_local(x%ptr, cp)
    if (rc == DLOPS_SUCCESS) f_borrows(i) = f_borrow()
  end function f_restore_view

  ! ================================================================== data movement
  !> Common part of scatter and gather: which is 1 for scatter, 2 for gather. The buffer is
  !> checked (kind, size) on the ranks that use it; a bad buffer is passed on as a null pointer
  !> so that C fails on every rank (the check is agreed there) and nobody hangs.
  function f_move(x, dtype, cp_in, n, root, which) result(rc)
    type(dlops_darray), intent(in) :: x
    integer(c_int), intent(in) :: dtype
    type(c_ptr), intent(in) :: cp_in
    integer(c_int64_t), intent(in) :: n
    integer, intent(in) :: root, which
    integer(c_int) :: rc, xt, me
    integer(c_int64_t) :: need
    type(dlops_ctx) :: ctx
    type(c_ptr) :: cp
    character(len=:), allocatable :: msg, where
    where = merge('dlops_darray_scatter', 'dlops_darray_gather ', which == 1)
    where = trim(where)
    xt = -1
    me = 0
    need = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_ctx(x%ptr, ctx)
    if (rc == DLOPS_SUCCESS) rc = c_ctx_get_rank(ctx%ptr, me)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_global_size(x%ptr, need)
    if (rc /= DLOPS_SUCCESS) return
    cp = cp_in
    msg = ''
    if (root < 0 .or. root == me) then
      if (xt /= dtype) then
        msg = where // ': the array holds ' // f_dtype_name(int(xt)) // ' elements but the global buffer is ' // &
             f_kind_name(dtype)
      else if (n < need) then
        msg = where // ': the global buffer has ' // f_itoa(n) // ' elements, the array needs ' // f_itoa(need)
      else if (.not. c_associated(cp)) then
        cp = c_loc(f_empty)
      end if
      if (len(msg) > 0) cp = c_null_ptr
    end if
    if (which == 1) then
      rc = c_darray_scatter(x%ptr, cp, int(root, c_int))
    else
      rc = c_darray_gather(x%ptr, cp, int(root, c_int))
    end if
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
  end function f_move

  !> Common part of add_ghost_cells, same idea as f_move.
  function f_ghost(x, front, back, dtype, cp_in, n) result(rc)
    type(dlops_darray), intent(in) :: x
    integer, intent(in) :: front, back
    integer(c_int), intent(in) :: dtype
    type(c_ptr), intent(in) :: cp_in
    integer(c_int64_t), intent(in) :: n
    integer(c_int) :: rc, xt, nd
    integer(c_int64_t) :: gs(DLOPS_MAX_NDIM), need
    type(c_ptr) :: cp
    character(len=:), allocatable :: msg
    xt = -1
    nd = 0
    gs = 0
    rc = c_darray_get_dtype(x%ptr, xt)
    if (rc == DLOPS_SUCCESS) rc = c_darray_get_ndim(x%ptr, nd)
    if (rc /= DLOPS_SUCCESS) return
    msg = ''
    cp = cp_in
    need = 0
    if (c_darray_ghost_shape(x%ptr, int(max(front, 0), c_int64_t), int(max(back, 0), c_int64_t), gs) &
         == DLOPS_SUCCESS) need = product(gs(1:nd))
    if (xt /= dtype) then
      msg = 'dlops_darray_add_ghost_cells: the array holds ' // f_dtype_name(int(xt)) // &
           ' elements but the ghosted buffer is ' // f_kind_name(dtype)
    else if (n < need) then
      msg = 'dlops_darray_add_ghost_cells: the ghosted buffer has ' // f_itoa(n) // ' elements, it needs ' // &
           f_itoa(need) // ' (see dlops_darray_ghost_shape)'
    else if (.not. c_associated(cp)) then
      cp = c_loc(f_empty)
    end if
    if (len(msg) > 0) cp = c_null_ptr
    rc = c_darray_add_ghost_cells(x%ptr, int(front, c_int64_t), int(back, c_int64_t), cp)
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) rc = f_error(rc, msg)
  end function f_ghost

  ! ================================================================== basic operators
  !> Common tail of the creators taking a typed buffer: kind_ok tells whether the buffer's kind
  !> matches dtype, have whether it holds at least the elements the operator reads. A bad buffer
  !> becomes a bad dtype (kind) or a null pointer (size) so that C fails on every rank (its
  !> checks are agreed), and the Fortran-side message replaces C's on the ranks that found it.
  subroutine f_buffer_args(where, dtype, kind_dtype, n, need, cp, t, msg)
    character(len=*), intent(in) :: where
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kind_dtype
    integer(c_int64_t), intent(in) :: n, need
    type(c_ptr), intent(inout) :: cp
    integer(c_int), intent(out) :: t
    character(len=:), allocatable, intent(out) :: msg
    t = int(dtype, c_int)
    msg = ''
    if (dtype /= kind_dtype) then
      msg = where // ': dtype is ' // f_dtype_name(dtype) // ' but the buffer is ' // f_kind_name(kind_dtype) // &
           ' (pass a buffer of kind ' // f_kind_name(int(dtype, c_int)) // ')'
      t = -1
    else if (n < need) then
      msg = where // ': the buffer has ' // f_itoa(n) // ' elements, this rank needs ' // f_itoa(need)
      cp = c_null_ptr
    else if (.not. c_associated(cp)) then
      cp = c_loc(f_empty)
    end if
  end subroutine f_buffer_args

  !> Finish a creator that went through f_buffer_args.
  function f_buffer_rc(rc, msg) result(r)
    integer(c_int), intent(in) :: rc
    character(len=*), intent(in) :: msg
    integer(c_int) :: r
    r = rc
    if (rc /= DLOPS_SUCCESS .and. len(msg) > 0) r = f_error(rc, msg)
  end function f_buffer_rc

  function f_matrix(ctx, nrows, ncols, dtype, kd, cp, n, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: nrows, ncols, n
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: p
    character(len=:), allocatable :: msg
    p = cp
    call f_buffer_args('dlops_op_create_matrix', dtype, kd, n, max(0_c_int64_t, nrows) * max(0_c_int64_t, ncols), &
         p, t, msg)
    rc = f_buffer_rc(c_op_create_matrix(ctx%ptr, nrows, ncols, t, p, A), msg)
  end function f_matrix

  function f_diagonal(ctx, n, dtype, kd, cp, nbuf, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: n, nbuf
    integer, intent(in) :: dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t, p, r
    integer(c_int64_t) :: need
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    integer(c_int) :: e1, e2
    p = 1
    r = 0
    need = 0
    e1 = c_ctx_get_size(ctx%ptr, p)
    e2 = c_ctx_get_rank(ctx%ptr, r)
    if (e1 == DLOPS_SUCCESS .and. e2 == DLOPS_SUCCESS .and. n >= 0 .and. p > 0) then
      need = n / p
      if (r < mod(n, int(p, c_int64_t))) need = need + 1
    end if
    q = cp
    call f_buffer_args('dlops_op_create_diagonal', dtype, kd, nbuf, need, q, t, msg)
    rc = f_buffer_rc(c_op_create_diagonal(ctx%ptr, n, t, q, A), msg)
  end function f_diagonal

  function f_convolve1d(ctx, dims, axis, kd, cp, nh, offset, dtype, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer(c_int64_t), intent(in) :: dims(:), nh, offset
    integer, intent(in) :: axis, dtype
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    q = cp
    call f_buffer_args('dlops_op_create_convolve1d', dtype, kd, nh, nh, q, t, msg)
    rc = f_buffer_rc(c_op_create_convolve1d(ctx%ptr, int(size(dims), c_int), dims, int(axis, c_int), q, nh, offset, &
         t, A), msg)
  end function f_convolve1d

  !> Elements of this rank's A tile for dlops_op_create_matmul (0 when it cannot tell: C then
  !> reports the bad arguments).
  function f_matmul_tile(ctx, kind, pr_in, pc_in, N, K) result(need)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr_in, pc_in
    integer(c_int64_t), intent(in) :: N, K
    integer(c_int64_t) :: need, s, an, ak
    integer(c_int) :: p, me
    integer :: pr, pc, i, j
    need = 0
    p = 0
    me = 0
    if (c_ctx_get_size(ctx%ptr, p) /= DLOPS_SUCCESS) return
    if (c_ctx_get_rank(ctx%ptr, me) /= DLOPS_SUCCESS) return
    pr = pr_in
    pc = pc_in
    if (pr == 0 .and. pc == 0) then  ! the most square grid, as C picks it
      pr = int(sqrt(real(p, c_double)))
      do while (pr > 1 .and. mod(int(p), pr) /= 0)
        pr = pr - 1
      end do
      pr = max(pr, 1)
      pc = int(p) / pr
    end if
    if (pr < 1 .or. pc < 1 .or. N < 0 .or. K < 0) return
    if (pr * pc > int(p) .or. int(me) >= pr * pc) return
    i = int(me) / pc
    j = mod(int(me), pc)
    an = 0
    ak = 0
    if (kind == DLOPS_MATMUL_BLOCK) then
      if (c_ceil_block(N, int(pc, c_int), int(j, c_int), s, an) /= DLOPS_SUCCESS) return
      ak = K
    else
      if (c_ceil_block(N, int(pr, c_int), int(i, c_int), s, an) /= DLOPS_SUCCESS) return
      if (c_ceil_block(K, int(pc, c_int), int(j, c_int), s, ak) /= DLOPS_SUCCESS) return
    end if
    need = an * ak
  end function f_matmul_tile

  function f_matmul(ctx, kind, pr, pc, N, K, M, kd, cp, na, nb, dtype, A) result(rc)
    type(dlops_ctx), intent(in) :: ctx
    integer, intent(in) :: kind, pr, pc, dtype
    integer(c_int64_t), intent(in) :: N, K, M, na, nb
    integer(c_int), intent(in) :: kd
    type(c_ptr), intent(in) :: cp
    type(dlops_op), intent(inout) :: A
    integer(c_int) :: rc, t
    type(c_ptr) :: q
    character(len=:), allocatable :: msg
    q = cp
    call f_buffer_args('dlops_op_create_matmul', dtype, kd, na, f_matmul_tile(ctx, kind, pr, pc, N, K), q, t, msg)
    rc = f_buffer_rc(c_op_create_matmul(ctx%ptr, int(kind, c_int), int(pr, c_int), int(pc, c_int), N, K, M, q, nb, t, &
         A), msg)
  end function f_matmul

  !> Name of an element type (as dlops_dtype_name).
  function f_dtype_name(dtype) result(s)
    integer, intent(in) :: dtype
    character(len=:), allocatable :: s
    s = f_string(c_dtype_name(int(dtype, c_int)))
  end function f_dtype_name
end module dlops_support
